import type { GenerateParameters } from '../../../wire/tgi.js';

/** generated_text as TGI returns it: with the prompt in front when `return_full_text` asks for it. */
export function fullText(inputs: string, parameters: GenerateParameters, generated: string): string {
  return parameters.return_full_text ? inputs + generated : generated;
}
