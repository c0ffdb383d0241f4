// How the loaded model's chat template writes a function call: node-llama-cpp's chat wrapper knows it (e.g.
// ChatML's `||call: name({...})`, Llama 3.1's `<function=name>{...}</function>`). Brook describes tools and
// past calls through that template, and constrains a new call to the same form, so the model sees one way.
import { ChatWrapper, LlamaText, SpecialTokensText, type ChatWrapperSettings } from 'node-llama-cpp';

export interface ToolCallSyntax {
  /** Text before the function's name. */
  prefix: string;
  /** Text between the name and the JSON arguments. */
  paramsPrefix: string;
  /** Text after the arguments. */
  suffix: string;
  /** Text between two calls made together (parallel calls). */
  separator: string;
}

/** The call syntax of `settings`; ChatWrapper's default when the template's needs special tokens Brook cannot constrain to. */
export function toolCallSyntax(settings: ChatWrapperSettings): ToolCallSyntax {
  const call = settings.functions.call;
  const parts = [call.prefix, call.paramsPrefix, call.suffix].map(plainText);
  if (parts.some((part) => part === null)) return toolCallSyntax(ChatWrapper.defaultSettings);
  const [prefix, paramsPrefix, suffix] = parts as string[];
  return { prefix: prefix!, paramsPrefix: paramsPrefix!, suffix: suffix!, separator: '\n' };
}

/** The text of a template piece, or null when it holds a special token (one that is not written as text). */
function plainText(value: string | LlamaText): string | null {
  let text = '';
  for (const item of LlamaText(value).values) {
    if (typeof item === 'string') text += item;
    else if (item instanceof SpecialTokensText) text += item.value;
    else return null;
  }
  return text;
}
