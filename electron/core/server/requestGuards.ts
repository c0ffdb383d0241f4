import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export interface GuardOptions {
  /** The port the server listens on; a Host header must name it. */
  port: () => number;
  /** A non-loopback hostname the server was explicitly told to listen on, also accepted in Host. */
  hostname: string;
  /** Browser origins allowed to call the API (exact match, e.g. http://localhost:5173). */
  corsAllowOrigins: readonly string[];
  apiKey: string | null;
}

/** Routes that answer without an API key: liveness probes and the window's static files. */
const OPEN_ROUTES = [/^\/health$/, /^\/ui(\/|$)/];

export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * The loopback endpoint's defences, run before anything else on every request:
 * a Host that is not a loopback name with our port (DNS rebinding), a cross-origin browser request from an
 * origin not allowed, and a missing or wrong API key are refused with a JSON error that says what to do.
 */
export function registerRequestGuards(app: FastifyInstance, options: GuardOptions): void {
  const expectedKey = options.apiKey === null ? null : digest(options.apiKey);

  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (!host || !isAllowedHost(host, options)) {
      throw new ApiError(
        'forbidden',
        `Host "${host ?? ''}" is not allowed: Brook answers only requests addressed to 127.0.0.1, localhost or [::1] on port ${options.port()}.`,
      );
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}` && !options.corsAllowOrigins.includes(origin)) {
      throw new ApiError(
        'forbidden',
        `Cross-origin request from ${origin} refused. Start Brook with --cors-allow-origin ${origin} to allow this origin.`,
      );
    }
    if (expectedKey !== null && request.method !== 'OPTIONS' && !OPEN_ROUTES.some((route) => route.test(routePath(request)))) {
      const presented = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
      if (presented === undefined || !timingSafeEqual(digest(presented), expectedKey)) {
        throw new ApiError('unauthorized', 'Missing or wrong API key: send the header "Authorization: Bearer <key>" with the key Brook was started with.');
      }
    }
  });
}

function isAllowedHost(host: string, options: GuardOptions): boolean {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!match) return false;
  const [, name = '', port = '80'] = match;
  if (Number(port) !== options.port()) return false;
  return isLoopbackHostname(name) || name.toLowerCase() === options.hostname.toLowerCase();
}

function routePath(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

// Hashing first gives equal lengths, so the comparison takes the same time whatever the key.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
