import { validationError } from '../errors.js';
import type { ModelInfo } from '../wire/bridge.js';
import type { Prompt } from '../wire/generation.js';
import { maxInputTokens } from './Backend.js';

/**
 * Characters a prompt may have per token of the context. No tokenizer packs more than a few characters into
 * a token on average (English is about 4), so a longer prompt cannot fit and is refused before the
 * tokenizer spends seconds on the main thread.
 */
export const MAX_CHARACTERS_PER_TOKEN = 16;

/** The most characters a prompt that fits `info`'s context could have. */
export function maxInputCharacters(info: ModelInfo): number {
  return maxInputTokens(info) * MAX_CHARACTERS_PER_TOKEN;
}

/** The characters of `prompt` that count against maxInputCharacters. */
export function inputCharacters(prompt: Prompt): number {
  return 'text' in prompt ? prompt.text.length : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
}

/** Throws 422 when `prompt` is too long to possibly fit `info`'s context, counted in characters. */
export function assertInputFits(prompt: Prompt, info: ModelInfo): void {
  const limit = maxInputCharacters(info);
  const length = inputCharacters(prompt);
  if (length > limit) {
    throw validationError(
      `\`inputs\` has ${length} characters, more than the ${limit} that can fit in the model's ${info.contextSize}-token context. Send a shorter prompt.`,
    );
  }
}
