import type { TokenEvent } from '../../../wire/generation.js';
import type { ChatTokenLogprob } from '../../../wire/openai.js';
import { utf8 } from './openAIShapes.js';

/** A token's chat `logprobs.content` entry; none for special tokens, which add no text. */
export function chatLogprob(event: TokenEvent): ChatTokenLogprob | undefined {
  if (event.token.special) return undefined;
  return {
    token: event.token.text,
    logprob: event.token.logprob ?? 0,
    bytes: utf8(event.token.text),
    top_logprobs: (event.topTokens ?? []).map((top) => ({ token: top.text, logprob: top.logprob ?? 0, bytes: utf8(top.text) })),
  };
}
