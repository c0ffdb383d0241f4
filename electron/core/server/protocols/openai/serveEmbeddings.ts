// POST /v1/embeddings: the texts embedded by the backend's model, admitted and tracked like a generation
// (the concurrency limit, the live request list and the metrics see it), answered in OpenAI's shape.
import type { FastifyReply } from 'fastify';
import { validationError } from '../../../errors.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../../wire/openai.js';
import { embedTracked } from '../../embedTracked.js';
import type { ServerContext } from '../../ServerContext.js';

export async function serveEmbeddings(context: ServerContext, reply: FastifyReply, body: EmbeddingRequest): Promise<EmbeddingResponse> {
  if (Array.isArray(body.input) && typeof body.input[0] === 'number') {
    throw validationError('`input` as token ids is not supported: send the text (a string or an array of strings)');
  }
  const texts = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
  const embeddings = await embedTracked(context, reply, texts, ({ vectors }) => {
    const size = vectors[0]?.length ?? 0;
    if (body.dimensions != null && body.dimensions !== size) {
      throw validationError(`\`dimensions\` must be ${size} (this model's embedding size) or unset: Brook does not shorten embeddings`);
    }
  });
  const base64 = body.encoding_format === 'base64';
  return {
    object: 'list',
    data: embeddings.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector })),
    model: context.backend.info().id,
    usage: { prompt_tokens: embeddings.promptTokens, total_tokens: embeddings.promptTokens },
  };
}

/** OpenAI's base64 encoding: the vector as little-endian float32 bytes. */
function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
