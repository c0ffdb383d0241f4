import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChatService } from './chats/ChatService.js';
import { ChatStore } from './chats/ChatStore.js';
import type { BrookConfig } from './config.js';
import { ApiError } from './errors.js';
import { ModelHost } from './ModelHost.js';
import { appRoutes } from './server/appRoutes.js';
import { startServer, type BrookServer, type ServerOptions } from './server/createServer.js';
import { uiRoutes } from './server/uiRoutes.js';
import { VERSION } from './version.js';
import type { AppStatus, Unsubscribe } from './wire/bridge.js';

export interface BrookStartOptions {
  /** Serve the loopback endpoint (headless mode always does; the desktop app lets the user turn it off). */
  serve: boolean;
  plugins?: ServerOptions['plugins'];
  /**
   * Browser mode: serve the built window at /ui/ from `rendererDir` (out/renderer) and the window's
   * Bridge over HTTP at /app/... (needs `serve`). The desktop app leaves it out: its window uses IPC.
   */
  browserUi?: { rendererDir: string };
}

/** How often the busy counters are compared while someone listens to the status. */
const BUSY_POLL_MS = 250;

/** Brook's core, the same with or without Electron: the model host, the conversations and the loopback server. */
export class Brook {
  private readonly statusListeners = new Set<(status: AppStatus) => void>();
  private busyTimer: NodeJS.Timeout | null = null;
  private lastBusy = '';
  private stopModelListener: Unsubscribe;

  private constructor(
    readonly config: BrookConfig,
    readonly host: ModelHost,
    readonly store: ChatStore,
    /** The window's conversations and replies (the Bridge's chat half), shared by IPC and the app routes. */
    readonly chats: ChatService,
    private serverRef: { current: BrookServer | null },
  ) {
    this.stopModelListener = host.onState(() => this.emitStatus());
  }

  get server(): BrookServer | null {
    return this.serverRef.current;
  }

  /** Starts serving at once and loads the model in the background (routes answer 424 until it is ready). */
  static async start(config: BrookConfig, options: BrookStartOptions): Promise<{ brook: Brook; modelLoaded: Promise<void> }> {
    const host = new ModelHost({
      sequences: config.parallel,
      threads: config.threads,
      contextSize: config.contextSize,
      gpu: config.gpu,
      maxConcurrentRequests: config.maxConcurrentRequests,
    });
    const store = await ChatStore.open(resolve(config.dataDir));
    const chats = new ChatService(store, () => host.loaded?.scheduler ?? null);
    const serverRef: { current: BrookServer | null } = { current: null };
    const brook = new Brook(config, host, store, chats, serverRef);

    const plugins = [...(options.plugins ?? [])];
    if (options.browserUi) {
      plugins.push(
        appRoutes({
          chats,
          status: () => brook.status(),
          onStatus: (listener) => brook.onStatus(listener),
          openModel: (path) => brook.openModel(path),
        }),
        uiRoutes({ rendererDir: options.browserUi.rendererDir }),
      );
    }
    try {
      serverRef.current = options.serve
        ? await startServer(host, {
            hostname: config.hostname,
            port: config.port,
            apiKey: config.apiKey,
            corsAllowOrigins: config.corsAllowOrigins,
            maxConcurrentRequests: config.maxConcurrentRequests,
            version: VERSION,
            plugins,
          })
        : null;
    } catch (error) {
      await store.close();
      throw error;
    }
    const modelLoaded = host.load(config.modelPath);
    return { brook, modelLoaded };
  }

  /** The model, the endpoint and the load, as the window shows them. */
  status(): AppStatus {
    const server = this.server;
    const stats = this.host.loaded?.scheduler.stats;
    return {
      model: this.host.state,
      endpoint: {
        url: server?.url ?? null,
        enabled: server !== null,
        port: server?.port ?? this.config.port,
        apiKeySet: this.config.apiKey !== null,
      },
      busy: { inFlight: stats?.inFlight ?? 0, queued: stats?.queued ?? 0 },
    };
  }

  /** Called on every model state change (load progress included) and when the busy counters change. */
  onStatus(listener: (status: AppStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    if (!this.busyTimer) {
      this.lastBusy = JSON.stringify(this.status().busy);
      this.busyTimer = setInterval(() => {
        const busy = JSON.stringify(this.status().busy);
        if (busy !== this.lastBusy) this.emitStatus();
      }, BUSY_POLL_MS);
      this.busyTimer.unref();
    }
    return () => {
      this.statusListeners.delete(listener);
      if (this.statusListeners.size === 0 && this.busyTimer) {
        clearInterval(this.busyTimer);
        this.busyTimer = null;
      }
    };
  }

  /** Loads another GGUF file; resolves once it is ready (the old model keeps serving until then). */
  async openModel(path: string): Promise<void> {
    const modelPath = resolve(path.trim());
    let file;
    try {
      file = await stat(modelPath);
    } catch {
      throw new ApiError('validation', `No file at ${modelPath}. Check the path and try again.`);
    }
    if (!file.isFile()) throw new ApiError('validation', `${modelPath} is not a file. Give the path of a .gguf model file.`);
    await this.host.load(modelPath);
  }

  private emitStatus(): void {
    if (this.statusListeners.size === 0) return;
    const status = this.status();
    this.lastBusy = JSON.stringify(status.busy);
    for (const listener of [...this.statusListeners]) {
      try {
        listener(status);
      } catch (error) {
        console.warn(`[brook] a status listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Stops and saves the replies being generated, ends open streams, then frees the model. */
  async close(): Promise<void> {
    this.stopModelListener();
    if (this.busyTimer) clearInterval(this.busyTimer);
    this.busyTimer = null;
    await this.chats.stopAll();
    await this.server?.close();
    await this.store.close();
    await this.host.dispose();
  }
}
