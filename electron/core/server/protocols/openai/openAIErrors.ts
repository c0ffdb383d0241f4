// Errors on the /v1 routes, in OpenAI's nested shape: {"error": {"message", "type", "param", "code"}}.
//
// Why not the TGI shape ({"error": "...", "error_type": "..."}) used on the other routes:
// - the `openai` clients build their exception from `body.error`: an object gives `err.message` = the
//   message and `err.type`/`err.code`; a string reaches the user JSON-quoted (`429 "Model is overloaded"`)
//   with no type. The HTTP status picks the class (429 → RateLimitError, 422 → UnprocessableEntityError).
// - @huggingface/inference reads `error` when it is a string and `error.message` when it is an object,
//   so both shapes reach it as InferenceClientProviderApiError with the message and the status.
// - in a stream, both clients throw on a `data:` event that has an `error` field, either shape.
// `type` carries Brook's error type (the TGI routes' `error_type`), so one vocabulary serves both.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../../../errors.js';
import type { OpenAIErrorResponse } from '../../../wire/openai.js';
import { toApiError } from '../../errorHandling.js';
import { StoppedEarly } from '../../stoppedEarly.js';

export function openAIError(error: ApiError, param: string | null = null, code: string | null = error instanceof StoppedEarly ? 'cancelled' : error.errorType): OpenAIErrorResponse {
  return { error: { message: error.message, type: error.errorType, param, code } };
}

/** The error shape of every route registered in `scope` (a plugin holding the /v1 routes). */
export function registerOpenAIErrorHandling(scope: FastifyInstance, bodyLimit: number): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, bodyLimit);
    if (apiError.status >= 500) request.log.error(error);
    if (apiError.errorType === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
    // The openai clients retry 5xx (and 429) unless told not to; a failed generation would only fail again.
    if (apiError.status >= 500) void reply.header('x-should-retry', 'false');
    return reply.status(apiError.status).send(openAIError(apiError, validationParam(error)));
  });

  scope.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        openAIError(
          new ApiError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}. The routes are listed at GET /openapi.json.`),
        ),
      ),
  );
}

/** The request field a schema error is about, as OpenAI's `param` names it (e.g. "messages.0.role"). */
function validationParam(error: FastifyError): string | null {
  const first = error.validation?.[0];
  if (!first) return null;
  const path = first.instancePath.replace(/^\//, '').split('/').filter(Boolean);
  const missing = (first.params as { missingProperty?: unknown }).missingProperty;
  if (first.keyword === 'required' && typeof missing === 'string') path.push(missing);
  return path.length > 0 ? path.join('.') : null;
}
