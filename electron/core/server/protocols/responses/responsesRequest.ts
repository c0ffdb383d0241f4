// How an OpenAI Responses request becomes the pipeline's GenerationRequest. Brook is stateless here.
//
//   instructions                          → a first "system" message
//   input: string                         → one user message
//   input: message items                  → chat messages through the model's chat template (text parts joined;
//                                           "developer" read as "system")
//   max_output_tokens                     → max_new_tokens
//   temperature, top_p                    → the same sampling rule as the chat route (temperature 0 is greedy)
//   previous_response_id, conversation    → 422: Brook stores nothing; send the whole conversation
//   tools, function_call items, text.format, reasoning, include, top_logprobs, background, prompt, …
//                                         → 422 saying what Brook does instead, never silently ignored
import { validationError } from '../../../errors.js';
import type { ChatMessage, GenerationRequest } from '../../../wire/generation.js';
import type { ResponsesContentPart, ResponsesRequest } from '../../../wire/responses.js';
import { chatParameters } from '../openai/openAIParameters.js';

const TOOLS_NOT_YET = 'Brook does not do tool calling yet: send the conversation as text';
const STATELESS = 'Brook stores no responses or conversations: send the whole conversation in `input` (with `store: false`)';

export function responsesGeneration(body: ResponsesRequest): GenerationRequest {
  refuseUnhonoured(body);
  const messages: ChatMessage[] = [];
  if (body.instructions != null) messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else body.input.forEach((item, index) => messages.push(inputMessage(item, index)));
  // One sampling rule for every protocol: the Responses fields are the chat route's under other names.
  const parameters = chatParameters({
    messages: [],
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    max_completion_tokens: body.max_output_tokens ?? null,
  });
  return { prompt: { messages }, parameters };
}

function refuseUnhonoured(body: ResponsesRequest): void {
  if (body.previous_response_id != null) throw validationError(`\`previous_response_id\` is not supported: ${STATELESS}.`);
  if (body.conversation != null) throw validationError(`\`conversation\` is not supported: ${STATELESS}.`);
  if (body.background != null && body.background !== false) throw validationError('`background` is not supported: Brook answers in the foreground. Use `stream: true` to read the answer as it comes.');
  if (body.prompt != null) throw validationError('`prompt` (a stored prompt template) is not supported: send the prompt in `instructions` and `input`.');
  if (Array.isArray(body.tools) ? body.tools.length > 0 : body.tools != null) throw validationError(`\`tools\` is not supported yet: ${TOOLS_NOT_YET}.`);
  if (body.tool_choice != null && body.tool_choice !== 'none' && body.tool_choice !== 'auto') {
    throw validationError(`\`tool_choice\` ${JSON.stringify(body.tool_choice)} is not supported yet: ${TOOLS_NOT_YET}.`);
  }
  if (body.max_tool_calls != null) throw validationError(`\`max_tool_calls\` is not supported yet: ${TOOLS_NOT_YET}.`);
  const text = body.text as { format?: { type?: unknown }; verbosity?: unknown } | null | undefined;
  if (text?.format != null && text.format.type !== 'text') {
    throw validationError(`\`text.format\` ${JSON.stringify(text.format.type)} (structured output) is not supported yet: ask for JSON in the prompt instead.`);
  }
  if (text?.verbosity != null) throw validationError('`text.verbosity` is not supported: the model does not adjust its length on request. Use `max_output_tokens`.');
  const reasoning = body.reasoning as Record<string, unknown> | null | undefined;
  if (reasoning != null && Object.values(reasoning).some((value) => value != null)) throw validationError('`reasoning` is not supported: the model does not reason. Leave it out.');
  if (Array.isArray(body.include) ? body.include.length > 0 : body.include != null) {
    throw validationError(`\`include\` ${JSON.stringify(body.include)} is not supported: Brook returns the output text only.`);
  }
  if (body.top_logprobs != null && body.top_logprobs !== 0) throw validationError('`top_logprobs` is not supported on /v1/responses: use /v1/chat/completions with `logprobs: true`.');
  if (body.context_management != null) throw validationError('`context_management` is not supported: Brook does not edit the context. Leave it out.');
  if (body.moderation != null) throw validationError('`moderation` is not supported: Brook does not moderate. Leave it out.');
}

function inputMessage(item: ResponsesRequest['input'][number] & object, index: number): ChatMessage {
  const field = `input.${index}`;
  const type = item.type ?? 'message';
  if (type === 'function_call' || type === 'function_call_output') {
    throw validationError(`\`${field}\` is a ${type} item, which is not supported yet: ${TOOLS_NOT_YET}.`);
  }
  if (type === 'item_reference') throw validationError(`\`${field}\` is an item_reference, which is not supported: ${STATELESS}.`);
  if (type !== 'message') throw validationError(`\`${field}\` is a "${type}" item: Brook reads message items only ({"role": "user", "content": "..."}).`);
  if (item.role === undefined) throw validationError(`\`${field}.role\` is required`);
  if (item.content === undefined) throw validationError(`\`${field}.content\` is required`);
  return { role: item.role === 'developer' ? 'system' : item.role, content: text(item.content, `${field}.content`) };
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
