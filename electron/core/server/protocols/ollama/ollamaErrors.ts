// Errors on the /api routes, in Ollama's shape: {"error": "..."} (docs/openapi.yaml ErrorResponse).
//
// Statuses follow Ollama: a request Brook cannot take is 400 (Ollama's answer to bad options and fields, where
// Brook's other routes say 422), an unknown route 404. Overload stays Brook's 429: Ollama answers 503 when its
// queue is full, but Brook never sends 503 on a generation route (a popular client retries 503 forever).
// The `ollama` clients (Python and npm) raise ResponseError with `error` as the message and the status; in a
// stream, both raise on a line that has an `error` field.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../../../errors.js';
import type { OllamaErrorResponse } from '../../../wire/ollama.js';
import { toApiError } from '../../errorHandling.js';

export function ollamaError(error: ApiError): OllamaErrorResponse {
  return { error: error.message };
}

/** Ollama's status for a Brook error: validation is 400, as Ollama answers a request it cannot take. */
export function ollamaStatus(error: ApiError): number {
  return error.errorType === 'validation' && error.status === 422 ? 400 : error.status;
}

/** A request Brook cannot take, in Ollama's words and status. */
export const badRequest = (message: string) => new ApiError('validation', message, 400);

/** The error shape of every route registered in `scope` (the plugin holding the /api routes). */
export function registerOllamaErrorHandling(scope: FastifyInstance, bodyLimit: number): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, bodyLimit);
    if (apiError.status >= 500) request.log.error(error);
    if (apiError.errorType === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
    return reply.status(ollamaStatus(apiError)).send(ollamaError(apiError));
  });

  scope.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        ollamaError(
          new ApiError(
            'not_found',
            `No route for ${request.method} ${request.url.split('?')[0]}. Brook serves the one model it has loaded: it does not pull, push, create, copy or delete models. The routes are listed at GET /openapi.json.`,
          ),
        ),
      ),
  );
}
