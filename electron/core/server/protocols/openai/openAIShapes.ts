// Small pieces every OpenAI encoder shares: the response head, finish reasons, usage, token text and bytes.
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { OpenAIFinishReason, ToolCallObject, Usage } from '../../../wire/openai.js';

/** The fields every OpenAI response and chunk starts with. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
  system_fingerprint: string;
}

export function responseHead(prefix: string, id: string, model: string, version: string): ResponseHead {
  return { id: `${prefix}-${id}`, created: unixSeconds(), model, system_fingerprint: `brook-${version}` };
}

/** Text a token adds to the reply: special tokens (end of turn) add none; in a tools reply, only its text deltas. */
export function visibleText(event: TokenEvent): string {
  if (event.toolCallDeltas) return event.toolCallDeltas.map((delta) => (delta.type === 'text' ? delta.text : '')).join('');
  return event.token.special ? '' : event.token.text;
}

export function finishReason(end: EndEvent): OpenAIFinishReason {
  if (end.finishReason === 'length') return 'length';
  return end.toolCalls?.length ? 'tool_calls' : 'stop';
}

/** The calls of a reply as OpenAI writes them. */
export function toolCallObjects(end: EndEvent): ToolCallObject[] {
  return (end.toolCalls ?? []).map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

export function usage(end: EndEvent): Usage {
  return { prompt_tokens: end.inputLength, completion_tokens: end.generatedTokens, total_tokens: end.inputLength + end.generatedTokens };
}

export function utf8(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
