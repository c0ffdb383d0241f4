import { ApiError, type ErrorType } from '../../errors.js';

export interface UpstreamFetchOptions {
  apiKey: string | null;
  /** JSON body: a POST; none: a GET. */
  body?: unknown;
  signal?: AbortSignal;
  /** For short questions (detection, health); generations have none. */
  timeoutMs?: number;
}

/** A request to the remote server; a network failure becomes a 502 `upstream_unavailable` that says what to check. */
export async function upstreamFetch(base: string, path: string, options: UpstreamFetchOptions): Promise<Response> {
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  try {
    return await fetch(`${base}${path}`, {
      method: options.body === undefined ? 'GET' : 'POST',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw unreachable(base, error);
  }
}

export function unreachable(base: string, error: unknown): ApiError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new ApiError('upstream_unavailable', `Brook could not reach the remote server at ${base} (${why}). Check that it is running and that the URL is right.`);
}

/**
 * The upstream's error with its status kept (429 stays 429) and its type: TGI's `error_type`, OpenAI's
 * `error.type`, or one chosen from the status.
 */
export async function upstreamError(response: Response, base: string): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let message = text.trim() || response.statusText;
  let type: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string; type?: string }; error_type?: string; message?: string };
    if (typeof body.error === 'string') message = body.error;
    else if (body.error?.message) message = body.error.message;
    else if (body.message) message = body.message;
    type = body.error_type ?? (typeof body.error === 'object' ? body.error.type : undefined);
  } catch {
    // not JSON: the text itself is the message
  }
  const errorType = KNOWN_TYPES.has(type as ErrorType) ? (type as ErrorType) : typeForStatus(response.status);
  const status = response.status >= 400 ? response.status : 502;
  return new ApiError(errorType, errorType === 'overloaded' ? message : `The remote server at ${base} answered ${response.status}: ${message}`, status);
}

const KNOWN_TYPES = new Set<ErrorType>(['validation', 'overloaded', 'generation', 'incomplete_generation', 'unauthorized', 'forbidden', 'not_found', 'model_not_ready']);

function typeForStatus(status: number): ErrorType {
  if (status === 429) return 'overloaded';
  if (status === 400 || status === 422) return 'validation';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  return 'generation';
}
