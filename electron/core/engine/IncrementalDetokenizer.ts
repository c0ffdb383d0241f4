import type { LlamaModel, Token } from 'node-llama-cpp';

/** Tokens of context decoded before the new ones, so a token's leading space or merge comes out right. */
const CONTEXT_TOKENS = 5;

/**
 * Turns generated tokens into text one token at a time (the method TGI uses): decode a short window of
 * earlier tokens with and without the new one and emit the difference, holding back while the bytes
 * end inside a multi-byte character (U+FFFD) so a character split over tokens arrives whole.
 */
export class IncrementalDetokenizer {
  private readonly tokens: Token[];
  private prefixOffset = 0;
  private readOffset: number;

  constructor(
    private readonly model: LlamaModel,
    promptTokens: readonly Token[],
  ) {
    this.tokens = promptTokens.slice(-CONTEXT_TOKENS);
    this.readOffset = this.tokens.length;
  }

  /** Text of `token` to append to the output; '' while incomplete. */
  push(token: Token): string {
    this.tokens.push(token);
    const before = this.model.detokenize(this.tokens.slice(this.prefixOffset, this.readOffset));
    const after = this.model.detokenize(this.tokens.slice(this.prefixOffset));
    if (after.length > before.length && !after.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.tokens.length;
      return after.slice(before.length);
    }
    return '';
  }
}
