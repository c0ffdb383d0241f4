// Starts the real server with the real bundled model on a free loopback port, for integration tests.
import { bundledModelPath } from '../bundledModel.js';
import { ModelHost } from '../ModelHost.js';
import { startServer, type BrookServer, type ServerOptions } from '../server/createServer.js';

export interface TestServer extends BrookServer {
  host: ModelHost;
  stop(): Promise<void>;
}

export async function startTestServer(options: Partial<ServerOptions> & { parallel?: number } = {}): Promise<TestServer> {
  const maxConcurrentRequests = options.maxConcurrentRequests ?? 128;
  const host = new ModelHost({ sequences: options.parallel ?? 2, contextSize: 2048, maxConcurrentRequests });
  await host.load(bundledModelPath());
  const server = await startServer(host, {
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
    host,
    stop: async () => {
      await server.close();
      await host.dispose();
    },
  };
}
