// The Response object both Responses encoders build: what the request asked for, echoed as OpenAI echoes it,
// then the output, status and usage once the generation ends.
import type { EndEvent } from '../../../wire/generation.js';
import type { ResponsesOutputMessage, ResponsesRequest, ResponsesResponse } from '../../../wire/responses.js';
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
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice === 'none' ? 'none' : 'auto',
    tools: [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
    service_tier: 'default',
  };
}

/** The id of the one message item a response carries. */
export function messageId(response: ResponsesResponse): string {
  return response.id.replace(/^resp_/, 'msg_');
}

/** The message item holding `text`; `status` says whether it is still growing. */
export function outputMessage(response: ResponsesResponse, text: string | null, status: ResponsesOutputMessage['status']): ResponsesOutputMessage {
  return {
    type: 'message',
    id: messageId(response),
    status,
    role: 'assistant',
    content: text === null ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

/** The finished response: `incomplete` (max_output_tokens) when the token budget or the context ran out. */
export function finishedResponse(shell: ResponsesResponse, text: string, end: EndEvent): ResponsesResponse {
  const incomplete = end.finishReason === 'length';
  return {
    ...shell,
    status: incomplete ? 'incomplete' : 'completed',
    completed_at: unixSeconds(),
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: [outputMessage(shell, text, incomplete ? 'incomplete' : 'completed')],
    usage: {
      input_tokens: end.inputLength,
      input_tokens_details: { cached_tokens: end.timings.reusedPromptTokens },
      output_tokens: end.generatedTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: end.inputLength + end.generatedTokens,
    },
  };
}
