import type { BrookConfig } from './config.js';
import { ModelHost } from './ModelHost.js';
import { startServer, type BrookServer, type ServerOptions } from './server/createServer.js';
import { VERSION } from './version.js';

export interface BrookStartOptions {
  /** Serve the loopback endpoint (headless mode always does; the desktop app lets the user turn it off). */
  serve: boolean;
  plugins?: ServerOptions['plugins'];
}

/** Brook's core, the same with or without Electron: the model host and the loopback server. */
export class Brook {
  private constructor(
    readonly config: BrookConfig,
    readonly host: ModelHost,
    readonly server: BrookServer | null,
  ) {}

  /** Starts serving at once and loads the model in the background (routes answer 424 until it is ready). */
  static async start(config: BrookConfig, options: BrookStartOptions): Promise<{ brook: Brook; modelLoaded: Promise<void> }> {
    const host = new ModelHost({
      sequences: config.parallel,
      threads: config.threads,
      contextSize: config.contextSize,
      gpu: config.gpu,
      maxConcurrentRequests: config.maxConcurrentRequests,
    });
    const server = options.serve
      ? await startServer(host, {
          hostname: config.hostname,
          port: config.port,
          apiKey: config.apiKey,
          corsAllowOrigins: config.corsAllowOrigins,
          maxConcurrentRequests: config.maxConcurrentRequests,
          version: VERSION,
          plugins: options.plugins,
        })
      : null;
    const modelLoaded = host.load(config.modelPath);
    return { brook: new Brook(config, host, server), modelLoaded };
  }

  /** Ends open streams and generations, then frees the model. */
  async close(): Promise<void> {
    await this.server?.close();
    await this.host.dispose();
  }
}
