import type { FastifyReply } from 'fastify';

/**
 * Aborts when the client goes away before its response is complete, or when the server shuts down:
 * either way the request's generation stops within one token and its sequence is free again.
 */
export function requestSignal(reply: FastifyReply, shutdown: AbortSignal): AbortSignal {
  const gone = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) gone.abort(new Error('client disconnected'));
  });
  return AbortSignal.any([gone.signal, shutdown]);
}
