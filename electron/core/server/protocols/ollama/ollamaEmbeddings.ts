// /api/embed (and the older /api/embeddings): the backend's embeddings, admitted, listed and measured like a
// generation, in Ollama's shape with its statistics in nanoseconds.
import type { FastifyReply } from 'fastify';
import type { OllamaEmbedRequest, OllamaEmbedResponse } from '../../../wire/ollama.js';
import { embedTracked } from '../../embedTracked.js';
import type { ServerContext } from '../../ServerContext.js';
import { badRequest } from './ollamaErrors.js';

const NS_PER_MS = 1_000_000;

export async function ollamaEmbed(context: ServerContext, reply: FastifyReply, body: OllamaEmbedRequest): Promise<OllamaEmbedResponse> {
  const receivedAt = performance.now();
  const texts = typeof body.input === 'string' ? [body.input] : body.input;
  const embeddings = await embedTracked(context, reply, texts, ({ vectors }) => {
    const size = vectors[0]?.length ?? 0;
    if (body.dimensions != null && body.dimensions !== size) {
      throw badRequest(`\`dimensions\` must be ${size} (this model's embedding size) or left out: Brook does not shorten embeddings.`);
    }
  });
  return {
    model: body.model,
    embeddings: embeddings.vectors,
    total_duration: Math.round((performance.now() - receivedAt) * NS_PER_MS),
    // Brook's model stays loaded.
    load_duration: 0,
    prompt_eval_count: embeddings.promptTokens,
  };
}

/** The older route's one vector for one `prompt`. */
export async function ollamaEmbedding(context: ServerContext, reply: FastifyReply, prompt: string): Promise<{ embedding: number[] }> {
  const embeddings = await embedTracked(context, reply, [prompt]);
  return { embedding: embeddings.vectors[0]! };
}
