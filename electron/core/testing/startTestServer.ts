// Starts the real server on a free loopback port, for integration tests: with the real bundled model, or with
// any other backend (a scripted one for tests of particular text, a remote one in front of another server).
import type { Backend } from '../backends/Backend.js';
import { LocalBackend } from '../backends/local/LocalBackend.js';
import { bundledModelPath } from '../bundledModel.js';
import { startServer, type BrookServer, type ServerOptions } from '../server/createServer.js';

export interface TestServer<B extends Backend = LocalBackend> extends BrookServer {
  backend: B;
  /**
   * Cancels every request still running or queued and waits until the backend is idle: a test's teardown, so
   * a test that timed out with a stream open cannot slow down or break the next one.
   */
  settle(): Promise<void>;
  /** Closes the server, then disposes the backend. */
  stop(): Promise<void>;
}

const SETTLE_TIMEOUT_MS = 60_000;

type TestServerOptions = Partial<ServerOptions> & { parallel?: number; contextSize?: number };

export async function startTestServer(options?: TestServerOptions): Promise<TestServer>;
export async function startTestServer<B extends Backend>(options: TestServerOptions & { backend: B }): Promise<TestServer<B>>;
export async function startTestServer(options: TestServerOptions & { backend?: Backend } = {}): Promise<TestServer<Backend>> {
  const maxConcurrentRequests = options.maxConcurrentRequests ?? 128;
  let backend = options.backend;
  if (!backend) {
    const local = new LocalBackend({ sequences: options.parallel ?? 2, contextSize: options.contextSize ?? 2048, maxConcurrentRequests });
    await local.load(bundledModelPath());
    backend = local;
  }
  const server = await startServer(backend, {
    hostname: '127.0.0.1',
    port: 0,
    apiKey: null,
    corsAllowOrigins: [],
    version: 'test',
    ...options,
    maxConcurrentRequests,
  });
  return {
    ...server,
    backend,
    settle: async () => {
      for (const request of server.requests.list()) server.requests.cancel(request.id);
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (backend.stats.inFlight > 0) {
        if (Date.now() > deadline) throw new Error(`${backend.stats.inFlight} request(s) still running ${SETTLE_TIMEOUT_MS / 1000} s after the test was cancelled.`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: async () => {
      await server.close();
      await backend.dispose();
    },
  };
}
