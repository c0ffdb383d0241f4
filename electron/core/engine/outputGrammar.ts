// The GBNF grammar that enforces a request's output constraint (wire/generation.ts OutputConstraint). With it
// the model can only pick tokens that keep the output valid, so even a tiny model's output always parses.
import { LlamaGrammar, type Llama } from 'node-llama-cpp';
import { validationError } from '../errors.js';
import type { OutputConstraint, ToolDefinition } from '../wire/generation.js';
import { enforceableSchema } from './enforceableSchema.js';
import { classChar, jsonSchemaRules, literal } from './gbnf.js';
import { regexToGbnf } from './regexToGbnf.js';
import type { ToolCallSyntax } from './ToolCallSyntax.js';

/** Most calls in one reply with parallel calls allowed: a small model, free to go on, repeats its call until the token limit. */
export const MAX_PARALLEL_CALLS = 4;

/** Any JSON object: OpenAI's `json_object`, Ollama's `format: "json"`. */
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

export function outputGrammar(llama: Llama, constraint: OutputConstraint, tools: readonly ToolDefinition[], syntax: ToolCallSyntax): LlamaGrammar {
  return new LlamaGrammar(llama, { grammar: grammarText(llama, constraint, tools, syntax) });
}

function grammarText(llama: Llama, constraint: OutputConstraint, tools: readonly ToolDefinition[], syntax: ToolCallSyntax): string {
  switch (constraint.type) {
    case 'json': {
      const schema = constraint.schema === null ? ANY_OBJECT : enforceableSchema(constraint.schema, 'The response schema');
      return `root ::= json\n${jsonSchemaRules(llama, schema, 'json')}`;
    }
    case 'regex':
      return `root ::= pattern\n${regexToGbnf(constraint.pattern, 'pattern')}`;
    case 'tools':
      return toolsGrammar(llama, constraint, tools, syntax);
  }
}

function toolsGrammar(llama: Llama, constraint: Extract<OutputConstraint, { type: 'tools' }>, tools: readonly ToolDefinition[], syntax: ToolCallSyntax): string {
  if (tools.length === 0) throw validationError('A tool call was asked for, but no `tools` were given');
  const choice = constraint.choice;
  const callable = typeof choice === 'object' ? tools.filter((tool) => tool.name === choice.name) : tools;
  if (callable.length === 0) {
    throw validationError(`\`tool_choice\` names the function "${(choice as { name: string }).name}", which is not among \`tools\` (${tools.map((tool) => `"${tool.name}"`).join(', ')})`);
  }
  const rules = callable.map((tool, index) => {
    const parameters = enforceableSchema(tool.parameters, `The parameters of tool "${tool.name}"`);
    return [
      `call-${index} ::= ${literal(syntax.prefix)} ${literal(tool.name)} ${literal(syntax.paramsPrefix)} args-${index} ${literal(syntax.suffix)}`,
      jsonSchemaRules(llama, parameters, `args-${index}`),
    ].join('\n');
  });
  const calls = constraint.parallel ? `call ( ${literal(syntax.separator)} call ){0,${MAX_PARALLEL_CALLS - 1}}` : 'call';
  // Auto: text that does not begin like a call, or nothing (the model may end its turn at once).
  const root = choice === 'auto' ? `root ::= calls | text\ntext ::= ( [^${classChar(syntax.prefix.codePointAt(0)!)}] [^\\x00]* )?` : 'root ::= calls';
  return [root, `calls ::= ${calls}`, `call ::= ${callable.map((_, index) => `call-${index}`).join(' | ')}`, ...rules].join('\n');
}
