import { createHash, timingSafeEqual } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export interface GuardOptions {
  /** The port the server listens on; a Host header must name it. */
  port: () => number;
  /**
   * The address the server listens on, also accepted in Host; for a wildcard (0.0.0.0, ::) every address of
   * this machine's network interfaces is.
   */
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
      throw new ApiError('forbidden', `Host "${host ?? ''}" is not allowed: Brook answers only requests addressed to ${allowedHostsText(options)}.`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${host}` && !options.corsAllowOrigins.includes(origin)) {
      throw new ApiError(
        'forbidden',
        `Cross-origin request from ${origin} refused. Start Brook with --cors-allow-origin ${origin} to allow this origin.`,
      );
    }
    if (expectedKey !== null && request.method !== 'OPTIONS' && !OPEN_ROUTES.some((route) => route.test(routePath(request)))) {
      // Anthropic's clients (the `anthropic` SDKs, Claude Code) send the key as `x-api-key` instead of a Bearer token.
      const xApiKey = request.headers['x-api-key'];
      const presented = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? (typeof xApiKey === 'string' ? xApiKey.trim() : undefined);
      if (presented === undefined || !timingSafeEqual(digest(presented), expectedKey)) {
        throw new ApiError(
          'unauthorized',
          'Missing or wrong API key: send the header "Authorization: Bearer <key>" (or "x-api-key: <key>") with the key Brook was started with.',
        );
      }
    }
  });
}

function isAllowedHost(host: string, options: GuardOptions): boolean {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!match) return false;
  const [, name = '', port = '80'] = match;
  if (Number(port) !== options.port()) return false;
  return isAllowedHostName(name, options.hostname);
}

/**
 * Whether a Host header's name (without the port) may reach a server listening on `listening`: a loopback
 * name, the listening address itself, or, when that is a wildcard (0.0.0.0, ::), one of this machine's
 * interface addresses. Anything else is a name Brook was not told about, as in DNS rebinding.
 */
export function isAllowedHostName(name: string, listening: string, interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): boolean {
  const host = canonicalHost(name);
  if (host === null) return false;
  if (isLoopbackHostname(host)) return true;
  const listeningOn = canonicalHost(listening);
  // A wildcard is no one's address (browsers send 0.0.0.0 to this machine: the "0.0.0.0 day" attack).
  if (listeningOn === '0.0.0.0' || listeningOn === '::') return wildcardAddresses(listeningOn, interfaces).includes(host);
  return host === listeningOn;
}

/** The addresses a wildcard listening address stands for (none for a specific address). */
function wildcardAddresses(listening: string, interfaces: ReturnType<typeof networkInterfaces>): string[] {
  const wildcard = canonicalHost(listening);
  if (wildcard !== '0.0.0.0' && wildcard !== '::') return [];
  // Listening on :: takes IPv4 connections too (dual stack); 0.0.0.0 only IPv4.
  return Object.values(interfaces)
    .flat()
    .filter((address) => address !== undefined && (wildcard === '::' || address.family === 'IPv4'))
    .map((address) => canonicalHost(address!.address))
    .filter((address): address is string => address !== null);
}

/** A host name or address in one spelling (lower case, IPv6 compressed, no brackets), or null if it is not one. */
function canonicalHost(name: string): string | null {
  const bare = name.replace(/^\[(.*)\]$/, '$1');
  if (bare.includes(':')) {
    if (!/^[0-9a-f:.]+$/i.test(bare)) return null;
  } else if (!/^[a-z0-9.-]+$/i.test(bare)) {
    return null;
  }
  try {
    return new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
}

function allowedHostsText(options: GuardOptions): string {
  const port = options.port();
  const loopback = `127.0.0.1, localhost or [::1] on port ${port}`;
  if (isLoopbackHostname(options.hostname)) {
    return `${loopback}. To take requests from other machines, start Brook with --hostname 0.0.0.0 (or this machine's address) and --api-key`;
  }
  const wildcard = wildcardAddresses(options.hostname, networkInterfaces()).filter((address) => !isLoopbackHostname(address));
  const others = wildcard.length > 0 ? wildcard.map((address) => (address.includes(':') ? `[${address}]` : address)).join(', ') : options.hostname;
  return `${loopback}, or ${others} on port ${port}. To reach Brook by another name, start it with --hostname set to that name`;
}

function routePath(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

// Hashing first gives equal lengths, so the comparison takes the same time whatever the key.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
