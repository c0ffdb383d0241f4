import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, validationError, type ErrorType } from '../errors.js';
import { describeValidationError } from '../wire/validator.js';
import { HEADERS_TIMEOUT_MS, MAX_HEADER_BYTES, REQUEST_TIMEOUT_MS } from './clientLimits.js';
import { registerStrictJsonParser } from './strictJsonParser.js';

/** Every error leaves as `{"error": "...", "error_type": "..."}` with a status that says what happened. */
export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  // Bodies that are not UTF-8 JSON are errors too; they get the same shape from the handler below.
  registerStrictJsonParser(app);

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

/** The error type of a status that Fastify or a plugin (such as @fastify/static) set on its own error. */
const TYPE_OF_STATUS: Record<number, ErrorType> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

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
    case 'FST_ERR_BAD_URL':
      return new ApiError('validation', 'The URL is not valid: a percent-escape in its path does not decode (for example "%E0%A4%A"). Escape the path as UTF-8.', 400);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError('validation', 'A part of the URL path is too long. Check the URL.', 414);
  }
  if (error instanceof SyntaxError) return new ApiError('validation', `The request body is not valid JSON (${error.message}). Check quotes and commas.`, 400);
  const status = error.statusCode ?? 500;
  if (status === 403) return new ApiError('forbidden', 'Forbidden: the path leads outside the files Brook serves. Use a path under /ui/ without "..".');
  const type = TYPE_OF_STATUS[status];
  if (type !== undefined) return new ApiError(type, error.message, status);
  if (status < 500) return new ApiError('validation', error.message, status);
  return new ApiError('incomplete_generation', `Internal error: ${error.message}`, 500);
}

/** Fastify's `frameworkErrors`: a URL it cannot route (bad percent-escapes…) gets Brook's error shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error, 0);
  void reply.status(apiError.status).send(apiError.toJSON());
}

/**
 * Fastify's `clientErrorHandler`: what Node refuses before Fastify sees a request (a malformed request,
 * headers past the size limit, a request that did not arrive in time) is answered in Brook's error shape,
 * and the connection closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError = nodeClientError(error);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(apiError.toJSON());
  // Ended rather than destroyed, so the answer is not lost to a reset; a client that keeps sending is cut off soon after.
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
  socket.end(
    `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? ''}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

const CLIENT_ERROR_LINGER_MS = 1_000;

function nodeClientError(error: NodeJS.ErrnoException): ApiError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('validation', `The request did not arrive in time (headers within ${HEADERS_TIMEOUT_MS / 1000} s, the whole request within ${REQUEST_TIMEOUT_MS / 1000} s). Send it at once, then wait for the answer.`, 408);
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError('payload_too_large', `The request headers are larger than the limit (${MAX_HEADER_BYTES / 1024} KB). Send fewer or shorter headers.`, 431);
    default:
      return new ApiError('validation', `The request is not valid HTTP/1.1 (${error.message}). Check the client.`, 400);
  }
}
