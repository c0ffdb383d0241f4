// How an OpenAI Responses request becomes the pipeline's GenerationRequest. Brook is stateless here.
//
//   instructions                          → a first "system" message
//   input: string                         → one user message
//   input: message items                  → chat messages through the model's chat template (text parts joined;
//                                           "developer" read as "system")
//   max_output_tokens                     → max_new_tokens
//   function_call items                   → the assistant turn's calls; function_call_output → "tool" turns
//   tools (function), tool_choice,        → tools, and a tools constraint (auto / required / one function;
//   parallel_tool_calls                     parallel_tool_calls false → one call); "none": no tools
//   text.format json_schema / json_object → a JSON constraint
//   temperature, top_p                    → the same sampling rule as the chat route (temperature 0 is greedy)
//   previous_response_id, conversation    → 422: Brook stores nothing; send the whole conversation
//   built-in tools, reasoning, include, top_logprobs, background, prompt, text.verbosity, …
//                                         → 422 saying what Brook does instead, never silently ignored
import { enforceableSchema } from '../../../engine/enforceableSchema.js';
import { validationError } from '../../../errors.js';
import type { ChatMessage, GenerationRequest, ToolDefinition } from '../../../wire/generation.js';
import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest } from '../../../wire/responses.js';
import { chatParameters } from '../openai/openAIParameters.js';

/** A function without `parameters` takes none. */
const NO_PARAMETERS = { type: 'object', properties: {} };
const STATELESS = 'Brook stores no responses or conversations: send the whole conversation in `input` (with `store: false`)';

export function responsesGeneration(body: ResponsesRequest): GenerationRequest {
  refuseUnhonoured(body);
  const messages: ChatMessage[] = [];
  if (body.instructions != null) messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else body.input.forEach((item, index) => addInputItem(messages, item, index));
  // One sampling rule for every protocol: the Responses fields are the chat route's under other names.
  const parameters = chatParameters({
    messages: [],
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    max_completion_tokens: body.max_output_tokens ?? null,
  });
  return { prompt: { messages }, parameters, ...toolsAndConstraint(body) };
}

function toolsAndConstraint(body: ResponsesRequest): Pick<GenerationRequest, 'tools' | 'constraint'> {
  const tools = (body.tools ?? []).map((tool, index): ToolDefinition => {
    if (tool.type !== 'function') throw validationError(`\`tools.${index}\` is the built-in tool "${tool.type}", which Brook does not run: describe your own functions with {"type": "function", "name": ..., "parameters": ...}.`);
    if (!tool.name) throw validationError(`\`tools.${index}.name\` is required`);
    const parameters = (tool.parameters ?? NO_PARAMETERS) as Record<string, unknown>;
    enforceableSchema(parameters, `\`tools.${index}.parameters\``);
    return { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters };
  });
  if (new Set(tools.map((tool) => tool.name)).size < tools.length) throw validationError('`tools` has two functions with the same name: names must be unique');
  const format = body.text?.format;
  const wantsJson = format != null && format.type !== 'text';
  // "auto" with no tools is what several clients send by default: nothing to call.
  const choice = body.tool_choice == null || (body.tool_choice === 'auto' && tools.length === 0) ? (tools.length > 0 ? 'auto' : 'none') : body.tool_choice;

  if (choice !== 'none') {
    if (typeof choice === 'object' && choice.type !== 'function') {
      throw validationError(`\`tool_choice\` ${JSON.stringify(choice)} is not supported: use "none", "auto", "required" or {"type": "function", "name": "..."}.`);
    }
    if (tools.length === 0) throw validationError('`tool_choice` needs `tools`: give the functions the model may call, or leave `tool_choice` out');
    if (typeof choice === 'object' && !tools.some((tool) => tool.name === choice.name)) {
      throw validationError(`\`tool_choice\` names the function "${choice.name ?? ''}", which is not among \`tools\` (${tools.map((tool) => `"${tool.name}"`).join(', ')})`);
    }
    if (wantsJson) throw validationError('`text.format` cannot be combined with tools that may be called: set `tool_choice` to "none", or drop `text.format`');
    return { tools, constraint: { type: 'tools', choice: typeof choice === 'object' ? { name: choice.name! } : choice, parallel: body.parallel_tool_calls !== false } };
  }
  // tool_choice "none": the model answers in text; the tools stay out of the prompt so it does not try to call them.
  if (!wantsJson) return {};
  if (format.type === 'json_object') return { constraint: { type: 'json', schema: null } };
  const schema = (format.schema ?? { type: 'object' }) as Record<string, unknown>;
  enforceableSchema(schema, '`text.format.schema`');
  return { constraint: { type: 'json', schema } };
}

function refuseUnhonoured(body: ResponsesRequest): void {
  if (body.previous_response_id != null) throw validationError(`\`previous_response_id\` is not supported: ${STATELESS}.`);
  if (body.conversation != null) throw validationError(`\`conversation\` is not supported: ${STATELESS}.`);
  if (body.background != null && body.background !== false) throw validationError('`background` is not supported: Brook answers in the foreground. Use `stream: true` to read the answer as it comes.');
  if (body.prompt != null) throw validationError('`prompt` (a stored prompt template) is not supported: send the prompt in `instructions` and `input`.');
  if (body.max_tool_calls != null) throw validationError('`max_tool_calls` is not supported: use `parallel_tool_calls: false` for at most one call.');
  if (body.text?.verbosity != null) throw validationError('`text.verbosity` is not supported: the model does not adjust its length on request. Use `max_output_tokens`.');
  const reasoning = body.reasoning as Record<string, unknown> | null | undefined;
  if (reasoning != null && Object.values(reasoning).some((value) => value != null)) throw validationError('`reasoning` is not supported: the model does not reason. Leave it out.');
  if (Array.isArray(body.include) ? body.include.length > 0 : body.include != null) {
    throw validationError(`\`include\` ${JSON.stringify(body.include)} is not supported: Brook returns the output text only.`);
  }
  if (body.top_logprobs != null && body.top_logprobs !== 0) throw validationError('`top_logprobs` is not supported on /v1/responses: use /v1/chat/completions with `logprobs: true`.');
  if (body.context_management != null) throw validationError('`context_management` is not supported: Brook does not edit the context. Leave it out.');
  if (body.moderation != null) throw validationError('`moderation` is not supported: Brook does not moderate. Leave it out.');
}

/** One input item as chat turns: a message, a call (joined to the assistant turn before it), or a call's output. */
function addInputItem(messages: ChatMessage[], item: ResponsesInputItem, index: number): void {
  const field = `input.${index}`;
  const type = item.type ?? 'message';
  if (type === 'function_call') {
    if (!item.call_id || !item.name) throw validationError(`\`${field}\` is a function_call item without its \`call_id\` and \`name\``);
    const call = { id: item.call_id, name: item.name, arguments: item.arguments ?? '{}' };
    const previous = messages.at(-1);
    if (previous?.role === 'assistant') previous.toolCalls = [...(previous.toolCalls ?? []), call];
    else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
    return;
  }
  if (type === 'function_call_output') {
    if (!item.call_id) throw validationError(`\`${field}.call_id\` is required in a function_call_output item`);
    const output = item.output === undefined ? '' : text(item.output, `${field}.output`);
    messages.push({ role: 'tool', content: output, toolCallId: item.call_id });
    return;
  }
  if (type === 'item_reference') throw validationError(`\`${field}\` is an item_reference, which is not supported: ${STATELESS}.`);
  if (type !== 'message') throw validationError(`\`${field}\` is a "${type}" item: Brook reads message, function_call and function_call_output items.`);
  if (item.role === undefined) throw validationError(`\`${field}.role\` is required`);
  if (item.content === undefined) throw validationError(`\`${field}.content\` is required`);
  messages.push({ role: item.role === 'developer' ? 'system' : item.role, content: text(item.content, `${field}.content`) });
}

/** A string, or text parts joined; any other part is refused with the reason. */
function text(content: string | ResponsesContentPart[], field: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (part.type !== 'input_text' && part.type !== 'output_text') {
        throw validationError(`\`${field}.${index}\` is a "${part.type}" part: Brook's model reads text only. Send {"type": "input_text", "text": "..."} parts.`);
      }
      if (typeof part.text !== 'string') throw validationError(`\`${field}.${index}.text\` is required in a text part`);
      return part.text;
    })
    .join('');
}
