// Embeddings from the loaded model through node-llama-cpp's embedding context. The context is created on the
// first request (it takes memory a chat-only user never needs) and lives as long as the model.
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { PromptTooLongError, validationError } from '../errors.js';

export interface EmbeddedTexts {
  vectors: number[][];
  promptTokens: number;
}

export class Embedder {
  private context: Promise<LlamaEmbeddingContext> | null = null;
  /** One text at a time: the embedding context has one sequence. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: LlamaModel,
    private readonly contextSize: number,
    private readonly threads: number | undefined,
  ) {}

  /** One vector per text, normalized to length 1 (as OpenAI's are, so a dot product is the cosine similarity). */
  embed(texts: readonly string[], signal: AbortSignal): Promise<EmbeddedTexts> {
    const run = this.queue.then(() => this.embedNow(texts, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedNow(texts: readonly string[], signal: AbortSignal): Promise<EmbeddedTexts> {
    const tokenized = texts.map((text, index) => {
      const tokens = this.model.tokenize(text, true);
      if (tokens.length === 0) throw validationError(`\`input[${index}]\` is empty: there is nothing to embed`);
      if (tokens.length > this.contextSize) throw new PromptTooLongError(this.contextSize, tokens.length);
      return tokens;
    });
    this.context ??= this.model.createEmbeddingContext({ contextSize: this.contextSize, threads: this.threads });
    const context = await this.context;
    const vectors: number[][] = [];
    for (const tokens of tokenized) {
      signal.throwIfAborted();
      const { vector } = await context.getEmbeddingFor(tokens);
      vectors.push(normalized(vector));
    }
    return { vectors, promptTokens: tokenized.reduce((sum, tokens) => sum + tokens.length, 0) };
  }

  async dispose(): Promise<void> {
    const context = await this.context?.catch(() => null);
    await context?.dispose();
  }
}

function normalized(vector: readonly number[]): number[] {
  const length = Math.hypot(...vector);
  return length > 0 ? vector.map((value) => value / length) : [...vector];
}
