// OpenAI's `tools`, `tool_choice`, `parallel_tool_calls` and `response_format` as the pipeline's tools and
// output constraint (wire/generation.ts). Schemas are checked here, so a bad one is refused with the field
// that holds it named; the engine enforces what passes with a grammar.
import { enforceableSchema } from '../../../engine/enforceableSchema.js';
import { validationError } from '../../../errors.js';
import type { GenerationRequest, ToolDefinition } from '../../../wire/generation.js';
import type { ChatCompletionRequest } from '../../../wire/openai.js';
import { grammarConstraint } from '../tgi/grammarConstraint.js';

/** A function without `parameters` takes none. */
const NO_PARAMETERS = { type: 'object', properties: {} };

export function chatConstraint(body: ChatCompletionRequest): Pick<GenerationRequest, 'tools' | 'constraint'> {
  const tools = chatTools(body);
  const choice = body.tool_choice ?? (tools.length > 0 ? 'auto' : 'none');
  const format = body.response_format;
  const wantsJson = format != null && format.type !== 'text';

  if (choice !== 'none') {
    if (tools.length === 0) throw validationError('`tool_choice` needs `tools`: give the functions the model may call, or leave `tool_choice` unset');
    if (typeof choice === 'object' && !tools.some((tool) => tool.name === choice.function.name)) {
      throw validationError(`\`tool_choice\` names the function "${choice.function.name}", which is not among \`tools\` (${tools.map((tool) => `"${tool.name}"`).join(', ')})`);
    }
    if (wantsJson) throw validationError('`response_format` cannot be combined with tools that may be called: set `tool_choice` to "none", or drop `response_format`');
    return {
      tools,
      constraint: { type: 'tools', choice: typeof choice === 'object' ? { name: choice.function.name } : choice, parallel: body.parallel_tool_calls !== false },
    };
  }
  // tool_choice "none": the model answers in text; the tools stay out of the prompt so it does not try to call them.
  if (!wantsJson) return {};
  if (format.type === 'json_object') return { constraint: { type: 'json', schema: null } };
  if ('value' in format) return { constraint: grammarConstraint(format) };
  const schema = format.json_schema.schema ?? { type: 'object' };
  enforceableSchema(schema, '`response_format.json_schema.schema`');
  return { constraint: { type: 'json', schema } };
}

function chatTools(body: ChatCompletionRequest): ToolDefinition[] {
  const tools = (body.tools ?? []).map((tool, index): ToolDefinition => {
    const parameters = tool.function.parameters ?? NO_PARAMETERS;
    enforceableSchema(parameters, `\`tools[${index}].function.parameters\``);
    return { name: tool.function.name, ...(tool.function.description ? { description: tool.function.description } : {}), parameters };
  });
  const names = new Set<string>();
  for (const tool of tools) {
    if (names.has(tool.name)) throw validationError(`\`tools\` has two functions named "${tool.name}": names must be unique`);
    names.add(tool.name);
  }
  return tools;
}
