import type { FastifyReply } from 'fastify';
import type { Embeddings } from '../backends/Backend.js';
import { currentCaller } from './currentCaller.js';
import { requestSignal } from './requestSignal.js';
import type { ServerContext } from './ServerContext.js';

/**
 * Embeds `texts` as one tracked request of the route being handled, for every protocol's embeddings route: the
 * concurrency limit, the live request list and the metrics see it as a generation of no tokens. `check` may
 * refuse the result (e.g. a `dimensions` the model does not have): it throws, and the request is listed failed.
 */
export async function embedTracked(context: ServerContext, reply: FastifyReply, texts: string[], check?: (embeddings: Embeddings) => void): Promise<Embeddings> {
  const tracked = context.track(currentCaller(), requestSignal(reply, context.shutdown));
  const started = performance.now();
  try {
    let embeddings: Embeddings;
    try {
      embeddings = await context.backend.embed(texts, tracked.signal, 'api');
    } catch (error) {
      tracked.observer.refused(error);
      throw error;
    }
    tracked.observer.admitted(embeddings.promptTokens);
    try {
      check?.(embeddings);
    } catch (error) {
      tracked.observer.failed(error);
      throw error;
    }
    tracked.observer.end({
      type: 'end',
      generatedText: '',
      finishReason: 'length',
      generatedTokens: 0,
      seed: null,
      inputLength: embeddings.promptTokens,
      stopSequence: null,
      cancelled: false,
      timings: { queueMs: 0, firstTokenMs: 0, generationMs: performance.now() - started, reusedPromptTokens: 0 },
    });
    return embeddings;
  } finally {
    tracked.observer.closed();
  }
}
