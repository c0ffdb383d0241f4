import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, validationError } from '../errors.js';
import { describeValidationError } from '../wire/validator.js';

/** Every error leaves as `{"error": "...", "error_type": "..."}` with a status that says what happened. */
export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, bodyLimit);
    if (apiError.status >= 500) request.log.error(error);
    if (apiError.errorType === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
    return reply.status(apiError.status).send(apiError.toJSON());
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(new ApiError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}. The routes are listed at GET /openapi.json.`).toJSON()),
  );
}

export function toApiError(error: FastifyError, bodyLimit: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return validationError(describeValidationError(error.validation, error.validationContext));
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', `The request body is larger than the ${Math.round(bodyLimit / 1_000_000)} MB limit. Send a shorter prompt.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'Unsupported Content-Type: send the body as JSON with "Content-Type: application/json".');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('validation', 'The request body is empty: send a JSON object.', 400);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('validation', `The request body is not valid JSON (${error.message}). Check quotes and commas.`, 400);
  }
  if (error instanceof SyntaxError) return new ApiError('validation', `The request body is not valid JSON (${error.message}). Check quotes and commas.`, 400);
  const status = error.statusCode ?? 500;
  if (status < 500) return new ApiError('validation', error.message, status);
  return new ApiError('incomplete_generation', `Internal error: ${error.message}`, 500);
}
