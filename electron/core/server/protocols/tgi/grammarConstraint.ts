// TGI's `grammar` parameter as the pipeline's output constraint (wire/generation.ts). The schema or pattern is
// checked here, so a bad one is refused before anything is generated; the engine enforces it with a grammar.
import { enforceableSchema } from '../../../engine/enforceableSchema.js';
import { regexToGbnf } from '../../../engine/regexToGbnf.js';
import { validationError } from '../../../errors.js';
import type { OutputConstraint } from '../../../wire/generation.js';
import type { GrammarType } from '../../../wire/tgi.js';

export function grammarConstraint(grammar: GrammarType | null | undefined): OutputConstraint | undefined {
  if (grammar == null) return undefined;
  if (grammar.type === 'regex') {
    regexToGbnf(grammar.value, 'pattern');
    return { type: 'regex', pattern: grammar.value };
  }
  const schema = grammar.type === 'json_schema' ? grammar.value.schema : typeof grammar.value === 'string' ? parsed(grammar.value) : grammar.value;
  enforceableSchema(schema, '`grammar.value`');
  return { type: 'json', schema: schema as Record<string, unknown> };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw validationError('`grammar.value` is a string that is not JSON: give the JSON Schema as an object, or as its JSON text');
  }
}
