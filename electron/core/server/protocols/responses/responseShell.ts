// The Response object both Responses encoders build: what the request asked for, echoed as OpenAI echoes it,
// then the output items, status and usage once the generation ends.
import type { EndEvent, ToolCall } from '../../../wire/generation.js';
import type { ResponsesFunctionCall, ResponsesOutputItem, ResponsesOutputMessage, ResponsesRequest, ResponsesResponse } from '../../../wire/responses.js';
import { unixSeconds } from '../openai/openAIShapes.js';

/** The response as `response.created` shows it: in progress, no output, no usage. */
export function responseShell(id: string, model: string, body: ResponsesRequest): ResponsesResponse {
  return {
    id: `resp_${id}`,
    object: 'response',
    created_at: unixSeconds(),
    status: 'in_progress',
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
    service_tier: 'default',
  };
}

/** The id of the message item of a response (it has at most one). */
export function messageId(response: ResponsesResponse): string {
  return response.id.replace(/^resp_/, 'msg_');
}

/** The message item holding `text` (no content part while it is being opened). */
export function messageItem(response: ResponsesResponse, text: string | null, status: ResponsesOutputMessage['status']): ResponsesOutputMessage {
  return {
    type: 'message',
    id: messageId(response),
    status,
    role: 'assistant',
    content: text === null ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

/** A call as a function_call item; its `call_id` is what the function_call_output names. */
export function functionCallItem(call: ToolCall, status: ResponsesFunctionCall['status']): ResponsesFunctionCall {
  return { type: 'function_call', id: `fc_${call.id}`, call_id: call.id, name: call.name, arguments: call.arguments, status };
}

/** Whether the token budget or the context ran out: the response and its last item are `incomplete`. */
export function cutShort(end: EndEvent): boolean {
  return end.finishReason === 'length';
}

/** The finished response with its output items. */
export function finishedResponse(shell: ResponsesResponse, output: ResponsesOutputItem[], end: EndEvent): ResponsesResponse {
  const incomplete = cutShort(end);
  return {
    ...shell,
    status: incomplete ? 'incomplete' : 'completed',
    completed_at: unixSeconds(),
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output,
    usage: {
      input_tokens: end.inputLength,
      input_tokens_details: { cached_tokens: end.timings.reusedPromptTokens },
      output_tokens: end.generatedTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: end.inputLength + end.generatedTokens,
    },
  };
}
