// What distinguishes /api/chat's objects from /api/generate's: the reply text sits in `message.content` (with
// the calls in `message.tool_calls`) or in `response`. The rest (model, created_at, done and the statistics)
// is the same. Also: the text a token adds to the reply, the same for the stream and the whole response.
import type { TokenEvent, ToolCall } from '../../../wire/generation.js';
import type { OllamaChatResponse, OllamaDoneFields, OllamaGenerateResponse, OllamaToolCall } from '../../../wire/ollama.js';
import type { ChatTokenLogprob } from '../../../wire/openai.js';
import { visibleText } from '../openai/openAIShapes.js';
import { createdAt } from './ollamaStatistics.js';

export type OllamaRoute = 'chat' | 'generate';

export interface ReplyParts {
  text: string;
  done: boolean;
  statistics?: OllamaDoneFields;
  toolCalls?: readonly ToolCall[];
  /** With `logprobs: true`: the tokens of `text`. */
  logprobs?: ChatTokenLogprob[];
}

export function ollamaReply(route: OllamaRoute, model: string, { text, done, statistics = {}, toolCalls = [], logprobs }: ReplyParts): OllamaChatResponse | OllamaGenerateResponse {
  const head = { model, created_at: createdAt() };
  const extra = logprobs ? { logprobs } : {};
  if (route === 'generate') return { ...head, response: text, done, ...extra, ...statistics };
  const message = { role: 'assistant' as const, content: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(ollamaToolCall) } : {}) };
  return { ...head, message, done, ...extra, ...statistics };
}

/**
 * The reply text a token adds. With tools, the generated text is the calls' JSON: only what the engine read
 * as text (the model answered instead of calling) is reply text; the calls come whole with the end.
 */
export function replyText(event: TokenEvent, withTools: boolean): string {
  if (!withTools) return visibleText(event);
  return (event.toolCallDeltas ?? []).map((delta) => (delta.type === 'text' ? delta.text : '')).join('');
}

/** Ollama carries a call's arguments as an object, not as JSON text. */
function ollamaToolCall(call: ToolCall): OllamaToolCall {
  return { function: { name: call.name, arguments: JSON.parse(call.arguments || '{}') as Record<string, unknown> } };
}
