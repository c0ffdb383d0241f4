import fastifySwagger from '@fastify/swagger';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Backend } from '../backends/Backend.js';
import { compile } from '../wire/validator.js';
import { trackCallers } from './currentCaller.js';
import { CONNECTIONS_CHECKING_INTERVAL_MS, HEADERS_TIMEOUT_MS, MAX_HEADER_BYTES, REQUEST_TIMEOUT_MS } from './clientLimits.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './errorHandling.js';
import { observeAll } from './GenerationObserver.js';
import { anthropicRoutes } from './protocols/anthropic/anthropicRoutes.js';
import { ollamaRoutes } from './protocols/ollama/ollamaRoutes.js';
import { openaiRoutes } from './protocols/openai/openaiRoutes.js';
import { responsesRoutes } from './protocols/responses/responsesRoutes.js';
import { tgiRoutes } from './protocols/tgi/tgiRoutes.js';
import { RequestRegistry } from './RequestRegistry.js';
import { isLoopbackHostname, registerRequestGuards } from './requestGuards.js';
import type { ServerContext } from './ServerContext.js';
import { ServerMetrics } from './ServerMetrics.js';

export const DEFAULT_PORT = 8080;
/** How long open responses get to finish when the server closes. */
const CLOSE_GRACE_MS = 10_000;
/** Largest request body accepted (413 past it). */
export const BODY_LIMIT = 2 * 1024 * 1024;

export interface ServerOptions {
  /** 127.0.0.1 unless told otherwise; any other address needs an API key. */
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  apiKey: string | null;
  corsAllowOrigins: string[];
  maxConcurrentRequests: number;
  version: string;
  /** More routes (the window's app routes, the UI), registered after the API routes. */
  plugins?: ((app: FastifyInstance, context: ServerContext) => void | Promise<void>)[];
  /**
   * The live list of requests to fill; a new one when left out. Brook passes its own, so the list (and who
   * listens to it) outlives a restart of the server with other settings.
   */
  requests?: RequestRegistry;
}

export interface BrookServer {
  url: string;
  port: number;
  app: FastifyInstance;
  /** Live list of requests from other tools, with cancel(id) (the window's Endpoint panel). */
  requests: RequestRegistry;
  /** Prometheus registry of this server (also served at GET /metrics). */
  metrics: ServerMetrics;
  /** Ends every open stream (generations abort within one token, `reason` says why), then stops listening. */
  close(reason?: string): Promise<void>;
}

export async function startServer(backend: Backend, options: ServerOptions): Promise<BrookServer> {
  if (!isLoopbackHostname(options.hostname) && !options.apiKey) {
    throw new Error(
      `Refusing to listen on ${options.hostname} without an API key: anyone on the network could use the model. Add --api-key <key>, or leave --hostname at 127.0.0.1.`,
    );
  }
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // Slow or stalled clients: the headers must arrive within 10 s, the whole request within 30 s, checked every second.
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS, maxHeaderSize: MAX_HEADER_BYTES },
    // What Node or Fastify refuse before a route sees it still gets Brook's error shape.
    clientErrorHandler,
    frameworkErrors,
    // On close, idle keep-alive sockets go at once; open streams get to send their last event (see close()).
    forceCloseConnections: 'idle',
    logger: false,
  });
  app.setValidatorCompiler(({ schema }) => compile(schema as Parameters<typeof compile>[0]));
  // Only JSON bodies: a text/plain body gets 415 with a hint instead of a confusing schema error.
  app.removeContentTypeParser('text/plain');

  const shutdown = new AbortController();
  let port = options.port;
  const requests = options.requests ?? new RequestRegistry();
  const metrics = new ServerMetrics(() => backend.stats);
  const context: ServerContext = {
    backend,
    // Every generation route comes through here: listed in the registry (which can cancel it), measured in metrics.
    track: (caller, signal) => {
      const tracked = requests.track(caller, signal);
      return { ...tracked, observer: observeAll(tracked.observer, metrics.observer(caller.route)) };
    },
    shutdown: shutdown.signal,
    maxConcurrentRequests: options.maxConcurrentRequests,
    version: options.version,
    requests,
    metrics,
  };

  metrics.countResponses(app);
  registerRequestGuards(app, { port: () => port, hostname: options.hostname, corsAllowOrigins: options.corsAllowOrigins, apiKey: options.apiKey });
  await app.register(cors, { origin: options.corsAllowOrigins, methods: ['GET', 'POST', 'DELETE', 'OPTIONS'], allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'anthropic-version', 'anthropic-beta'] });
  registerErrorHandling(app, BODY_LIMIT);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Brook',
        version: options.version,
        description: "Brook's loopback endpoint: text-generation-inference's routes, OpenAI's (chat, completions, Responses, embeddings), Ollama's and Anthropic's Messages, served by the local model or a remote server.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(options.apiKey ? { security: [{ bearer: [] }] } : {}),
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  trackCallers(app);
  tgiRoutes(app, context);
  await app.register(openaiRoutes, { prefix: '/v1', context, bodyLimit: BODY_LIMIT });
  await app.register(ollamaRoutes, { prefix: '/api', context, bodyLimit: BODY_LIMIT });
  await app.register(anthropicRoutes, { prefix: '/v1/messages', context, bodyLimit: BODY_LIMIT });
  await app.register(responsesRoutes, { prefix: '/v1/responses', context, bodyLimit: BODY_LIMIT });
  metrics.route(app);
  for (const plugin of options.plugins ?? []) await plugin(app, context);

  try {
    await app.listen({ host: options.hostname, port: options.port });
  } catch (error) {
    // Not listening (the port is taken…): the plugins' onClose hooks still let go of what they subscribed to.
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  const urlHost = options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    app,
    requests,
    metrics,
    close: async (reason = 'Brook is shutting down') => {
      // Generations stop within one token and their streams end with an error event; a client that stopped
      // reading gets its socket closed after a grace period.
      shutdown.abort(new Error(reason));
      // Keep-alive sockets whose last response just ended close as soon as they are idle.
      const idle = setInterval(() => app.server.closeIdleConnections(), 20);
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      await app.close();
      clearInterval(idle);
      clearTimeout(force);
    },
  };
}
