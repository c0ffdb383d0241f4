// Errors on /v1/messages in Anthropic's shape: {"type": "error", "error": {"type": "...", "message": "..."}}.
//
// The `anthropic` SDKs pick their exception class from the HTTP status (400 BadRequestError, 401
// AuthenticationError, 429 RateLimitError, …) and show `error.message`. Anthropic answers an invalid request
// with 400 `invalid_request_error`, never 422, so Brook's validation errors are 400 here. Overload stays 429
// (`rate_limit_error`: the SDK backs off and retries), not Anthropic's 529: Brook never sends a status a client
// may retry forever. In a stream, a failure is one `event: error` with the same body.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, type ErrorType } from '../../../errors.js';
import type { AnthropicErrorResponse } from '../../../wire/anthropic.js';
import { toApiError } from '../../errorHandling.js';

const ANTHROPIC_TYPE: Record<ErrorType, string> = {
  validation: 'invalid_request_error',
  overloaded: 'rate_limit_error',
  generation: 'api_error',
  incomplete_generation: 'api_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  payload_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  model_not_ready: 'api_error',
  upstream_unavailable: 'api_error',
};

export function anthropicError(error: ApiError): AnthropicErrorResponse {
  return { type: 'error', error: { type: ANTHROPIC_TYPE[error.errorType], message: error.message } };
}

/** The status Anthropic gives `error`: its own, except 400 for what Brook's other routes answer 422. */
export function anthropicStatus(error: ApiError): number {
  return error.status === 422 ? 400 : error.status;
}

/** The error shape of every route registered in `scope` (the plugin holding /v1/messages). */
export function registerAnthropicErrorHandling(scope: FastifyInstance, bodyLimit: number): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, bodyLimit);
    if (apiError.status >= 500) request.log.error(error);
    // The SDKs retry 5xx unless told not to; a failed generation would only fail again.
    if (apiError.status >= 500) void reply.header('x-should-retry', 'false');
    return reply.status(anthropicStatus(apiError)).send(anthropicError(apiError));
  });

  scope.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(anthropicError(new ApiError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}. The routes are listed at GET /openapi.json.`))),
  );
}
