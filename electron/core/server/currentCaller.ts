import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import type { RequestCaller } from '../wire/endpoint.js';

const callers = new AsyncLocalStorage<RequestCaller>();

/**
 * Makes the HTTP request being handled known to code that the route handler calls (ServerContext.admit),
 * so every route is listed and measured by the route it came in on without passing it along by hand.
 * Runs as the last step before the handler: the body is parsed by then, and the handler runs inside.
 */
export function trackCallers(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const caller: RequestCaller = {
      route: request.routeOptions.url ?? request.url.split('?')[0] ?? '/',
      client: request.headers['user-agent'] ?? 'unknown',
    };
    callers.run(caller, done);
  });
}

/** The HTTP request this code runs for, or a placeholder outside any request. */
export function currentCaller(): RequestCaller {
  return callers.getStore() ?? { route: 'unknown', client: 'unknown' };
}
