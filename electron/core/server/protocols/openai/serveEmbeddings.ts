// POST /v1/embeddings: the texts embedded by the backend's model, admitted and tracked like a generation
// (the concurrency limit, the live request list and the metrics see it), answered in OpenAI's shape.
import type { FastifyReply } from 'fastify';
import { validationError } from '../../../errors.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../../wire/openai.js';
import { currentCaller } from '../../currentCaller.js';
import { requestSignal } from '../../requestSignal.js';
import type { ServerContext } from '../../ServerContext.js';

export async function serveEmbeddings(context: ServerContext, reply: FastifyReply, body: EmbeddingRequest): Promise<EmbeddingResponse> {
  if (Array.isArray(body.input) && typeof body.input[0] === 'number') {
    throw validationError('`input` as token ids is not supported: send the text (a string or an array of strings)');
  }
  const texts = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
  const tracked = context.track(currentCaller(), requestSignal(reply, context.shutdown));
  const started = performance.now();
  try {
    let embeddings;
    try {
      embeddings = await context.backend.embed(texts, tracked.signal, 'api');
    } catch (error) {
      tracked.observer.refused(error);
      throw error;
    }
    tracked.observer.admitted(embeddings.promptTokens);
    const size = embeddings.vectors[0]?.length ?? 0;
    if (body.dimensions != null && body.dimensions !== size) {
      const error = validationError(`\`dimensions\` must be ${size} (this model's embedding size) or unset: Brook does not shorten embeddings`);
      tracked.observer.failed(error);
      throw error;
    }
    // For the metrics and the request list, an embedding is a generation of no tokens that ended normally.
    const generationMs = performance.now() - started;
    tracked.observer.end({
      type: 'end',
      generatedText: '',
      finishReason: 'length',
      generatedTokens: 0,
      seed: null,
      inputLength: embeddings.promptTokens,
      stopSequence: null,
      cancelled: false,
      timings: { queueMs: 0, firstTokenMs: 0, generationMs, reusedPromptTokens: 0 },
    });
    const base64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      data: embeddings.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector })),
      model: context.backend.info().id,
      usage: { prompt_tokens: embeddings.promptTokens, total_tokens: embeddings.promptTokens },
    };
  } finally {
    tracked.observer.closed();
  }
}

/** OpenAI's base64 encoding: the vector as little-endian float32 bytes. */
function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
