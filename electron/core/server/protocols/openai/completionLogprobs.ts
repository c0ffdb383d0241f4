import type { TokenEvent } from '../../../wire/generation.js';
import type { CompletionLogprobs } from '../../../wire/openai.js';

/** A token of a completion as its `logprobs` lists it: text, logprob, alternatives and where it starts. */
export interface CompletionToken {
  text: string;
  logprob: number | null;
  top: Record<string, number> | null;
  offset: number;
}

export function completionToken(event: TokenEvent, offset: number): CompletionToken | undefined {
  if (event.token.special) return undefined;
  const top = event.topTokens?.length ? Object.fromEntries(event.topTokens.map((t) => [t.text, t.logprob ?? 0])) : null;
  return { text: event.token.text, logprob: event.token.logprob, top, offset };
}

export function completionLogprobs(tokens: CompletionToken[]): CompletionLogprobs {
  return {
    tokens: tokens.map((t) => t.text),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => t.top ?? {}),
    text_offset: tokens.map((t) => t.offset),
  };
}
