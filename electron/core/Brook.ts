import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChatService } from './chats/ChatService.js';
import { ChatStore } from './chats/ChatStore.js';
import type { BrookConfig, RemoteConfig } from './config.js';
import { ApiError } from './errors.js';
import { ActiveBackend } from './backends/ActiveBackend.js';
import type { Backend } from './backends/Backend.js';
import { LocalBackend } from './backends/local/LocalBackend.js';
import { RemoteBackend } from './backends/remote/RemoteBackend.js';
import { ScriptedBackend } from './backends/scripted/ScriptedBackend.js';
import { appRoutes } from './server/appRoutes.js';
import { startServer, type BrookServer, type ServerOptions } from './server/createServer.js';
import { OLLAMA_DEFAULT_PORT, ollamaRoot, OllamaPortListener } from './server/protocols/ollama/ollamaPort.js';
import { RequestRegistry } from './server/RequestRegistry.js';
import { isLoopbackHostname } from './server/requestGuards.js';
import { uiRoutes } from './server/uiRoutes.js';
import { VERSION } from './version.js';
import type { AppStatus, Unsubscribe } from './wire/bridge.js';
import { GENERATE_API_KEY, type EndpointChange, type EndpointSettings } from './wire/endpoint.js';

export interface BrookStartOptions {
  /** Serve the loopback endpoint (headless mode always does; the desktop app lets the user turn it off). */
  serve: boolean;
  plugins?: ServerOptions['plugins'];
  /**
   * Browser mode: serve the built window at /ui/ from `rendererDir` (out/renderer) and the window's
   * Bridge over HTTP at /app/... (needs `serve`). The desktop app leaves it out: its window uses IPC.
   */
  browserUi?: { rendererDir: string };
  /** Why the endpoint is off when the caller wanted it on and could not start it (shown in the Endpoint panel). */
  endpointError?: string;
}

/** Why the endpoint cannot be changed from a window that it serves itself (browser mode). */
export const BROWSER_MODE_ENDPOINT_MESSAGE =
  'This window is served by the endpoint itself, so it cannot turn it off, move it or change its key. Restart `npm run serve` with --port or --api-key instead.';

/** Why the open streams of a server that restarts with new settings end. */
export const ENDPOINT_RESTART_MESSAGE = "Brook's endpoint restarted with new settings.";

/** A new random API key: 32 bytes, URL-safe, with a prefix that says where it comes from. */
export function generateApiKey(): string {
  return `brook-${randomBytes(32).toString('base64url')}`;
}

/** How often the busy counters are compared while someone listens to the status. */
const BUSY_POLL_MS = 250;

/** Brook's core, the same with or without Electron: the model host, the conversations and the loopback server. */
export class Brook {
  /** Requests from other tools, queued, generating and lately finished: one list for every server Brook starts. */
  readonly requests = new RequestRegistry();
  private readonly statusListeners = new Set<(status: AppStatus) => void>();
  private busyTimer: NodeJS.Timeout | null = null;
  private lastBusy = '';
  private stopModelListener: Unsubscribe;
  private currentServer: BrookServer | null = null;
  /** The second listener on Ollama's port; it follows the endpoint (off with it, restarted with a new key). */
  private readonly ollama: OllamaPortListener;
  /** The port asked for (0: any free one) and the key, kept while the endpoint is off too. */
  private endpoint: { port: number; apiKey: string | null };
  private endpointError: string | null;
  /** Endpoint changes run one after another. */
  private endpointQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly config: BrookConfig,
    /** The backend every front door uses; it switches between the local model and a remote server. */
    readonly backend: ActiveBackend,
    readonly store: ChatStore,
    /** The window's conversations and replies (the Bridge's chat half), shared by IPC and the app routes. */
    readonly chats: ChatService,
    private readonly options: BrookStartOptions,
  ) {
    this.endpoint = { port: config.port, apiKey: config.apiKey };
    this.endpointError = options.endpointError ?? null;
    this.ollama = new OllamaPortListener(config.ollamaPort ?? OLLAMA_DEFAULT_PORT, config.ollamaPort !== null, (message) => console.log(message));
    this.stopModelListener = backend.onState(() => this.emitStatus());
  }

  /** The loopback server while the endpoint is on. */
  get server(): BrookServer | null {
    return this.currentServer;
  }

  /**
   * Starts serving at once and readies the backend in the background: loads the model, connects to the
   * --remote server or reads the --scripted script (routes answer 424 until it is ready).
   */
  static async start(config: BrookConfig, options: BrookStartOptions): Promise<{ brook: Brook; modelLoaded: Promise<void> }> {
    const store = await ChatStore.open(resolve(config.dataDir));
    let initial: Backend;
    let ready: () => Promise<void>;
    if (config.scriptedPath !== null) {
      const scripted = await ScriptedBackend.fromFile(config.scriptedPath, config.maxConcurrentRequests);
      initial = scripted;
      ready = async () => undefined;
    } else if (config.remote) {
      const remote = new RemoteBackend({ ...config.remote, maxConcurrentRequests: config.maxConcurrentRequests });
      initial = remote;
      ready = () => remote.connect();
    } else {
      const local = Brook.localBackend(config);
      initial = local;
      ready = () => local.load(config.modelPath);
    }
    const backend = new ActiveBackend(initial);
    const chats = new ChatService(store, backend);
    const brook = new Brook(config, backend, store, chats, options);
    try {
      if (options.serve) brook.currentServer = await brook.listen(config.port, config.apiKey);
      await brook.followOnOllamaPort(false);
    } catch (error) {
      brook.stopModelListener();
      await store.close();
      throw error;
    }
    const modelLoaded = ready();
    return { brook, modelLoaded };
  }

  private static localBackend(config: BrookConfig): LocalBackend {
    return new LocalBackend({
      sequences: config.parallel,
      threads: config.threads,
      contextSize: config.contextSize,
      gpu: config.gpu,
      maxConcurrentRequests: config.maxConcurrentRequests,
    });
  }

  /** A server with these settings: the API routes, and in browser mode the window and its app routes. */
  private async listen(port: number, apiKey: string | null): Promise<BrookServer> {
    const plugins = [...(this.options.plugins ?? [])];
    if (this.options.browserUi) {
      plugins.push(
        appRoutes({
          chats: this.chats,
          status: () => this.status(),
          onStatus: (listener) => this.onStatus(listener),
          openModel: (path) => this.openModel(path),
          useRemote: (remote) => this.useRemote({ url: remote.url, protocol: remote.protocol ?? 'auto', apiKey: remote.apiKey ?? null }),
          endpointSettings: () => this.endpointSettings(),
          configureEndpoint: (change) => this.configureEndpoint(change),
        }),
        uiRoutes({ rendererDir: this.options.browserUi.rendererDir }),
      );
    }
    const options: ServerOptions = {
      hostname: this.config.hostname,
      port,
      apiKey,
      corsAllowOrigins: this.config.corsAllowOrigins,
      maxConcurrentRequests: this.config.maxConcurrentRequests,
      version: VERSION,
      plugins,
      requests: this.requests,
    };
    return startServer(this.backend, options);
  }

  /**
   * The Ollama listener in line with the endpoint: the API routes (not the window's) and Ollama's `GET /`, with
   * the endpoint's key. `restart`: the key changed.
   */
  private followOnOllamaPort(restart: boolean, reason?: string): Promise<void> {
    const options: ServerOptions = {
      hostname: this.config.hostname,
      port: this.ollama.port,
      apiKey: this.endpoint.apiKey,
      corsAllowOrigins: this.config.corsAllowOrigins,
      maxConcurrentRequests: this.config.maxConcurrentRequests,
      version: VERSION,
      plugins: [ollamaRoot],
      requests: this.requests,
    };
    return this.ollama.follow(this.currentServer, (port) => startServer(this.backend, { ...options, port }), restart, reason);
  }

  /** The endpoint as the Endpoint panel shows it. */
  endpointSettings(): EndpointSettings {
    const server = this.currentServer;
    return {
      enabled: server !== null,
      url: server?.url ?? null,
      port: server?.port ?? this.endpoint.port,
      apiKey: this.endpoint.apiKey,
      error: server ? null : this.endpointError,
      configurable: !this.options.browserUi,
      ollama: this.ollama.state(),
    };
  }

  /**
   * Turns the endpoint on or off, moves it, or changes its key (`"generate"`: a new random one; null: none),
   * restarting the server when it runs: on another port the new server starts before the old one stops, so a
   * port in use is refused (422, saying so) and the old server keeps serving. Streams open on the old server
   * end with an error event. The request list and its listeners stay. `ollama` turns the second listener on
   * Ollama's port on or off; a port it cannot have is reported in the settings, not thrown. Refused in browser
   * mode (403), except the Ollama switch: that listener does not serve the window, so the window may change it.
   */
  configureEndpoint(change: EndpointChange): Promise<EndpointSettings> {
    const touchesWindow = change.enabled !== undefined || change.port !== undefined || change.apiKey !== undefined;
    if (this.options.browserUi && touchesWindow) return Promise.reject(new ApiError('forbidden', BROWSER_MODE_ENDPOINT_MESSAGE));
    const run = this.endpointQueue.then(() => this.applyEndpoint(change));
    this.endpointQueue = run.catch(() => undefined);
    return run;
  }

  private async applyEndpoint(change: EndpointChange): Promise<EndpointSettings> {
    if (this.closed) throw new ApiError('forbidden', 'Brook is shutting down.');
    const server = this.currentServer;
    const next = {
      // Turned off, it keeps the port it had (even one picked because 0 was asked for), to come back there.
      port: change.port ?? (change.enabled === false && server ? server.port : this.endpoint.port),
      apiKey: change.apiKey === undefined ? this.endpoint.apiKey : change.apiKey === GENERATE_API_KEY ? generateApiKey() : change.apiKey,
    };
    const enabled = change.enabled ?? server !== null;
    if (enabled && next.apiKey === null && !isLoopbackHostname(this.config.hostname)) {
      throw new ApiError(
        'validation',
        `Brook listens on ${this.config.hostname}, where other computers can reach it: it needs an API key. Generate a new key instead of clearing it.`,
      );
    }
    const portChanged = change.port !== undefined && change.port !== this.endpoint.port && change.port !== server?.port;
    const keyChanged = next.apiKey !== this.endpoint.apiKey;
    if (enabled && change.port !== undefined && change.port === this.ollama.listeningPort) {
      throw new ApiError('validation', `Brook already answers as Ollama on port ${change.port}. Turn off "Also answer on Ollama's port" first, or choose another port.`);
    }

    if (!enabled) {
      this.currentServer = null;
      await server?.close("Brook's endpoint was turned off.");
    } else if (!server) {
      this.currentServer = await this.listenOrExplain(next.port, next.apiKey);
    } else if (portChanged) {
      // Another port: the new server first, so a port in use leaves the running one as it was.
      const started = await this.listenOrExplain(next.port, next.apiKey);
      this.currentServer = started;
      await server.close(ENDPOINT_RESTART_MESSAGE);
    } else if (keyChanged) {
      // The same port: the old server has to let go of it first.
      this.currentServer = null;
      await server.close(ENDPOINT_RESTART_MESSAGE);
      try {
        this.currentServer = await this.listenOrExplain(server.port, next.apiKey);
      } catch (error) {
        // Someone took the port meanwhile: back to the old settings if possible, else off, saying why.
        this.currentServer = await this.listen(server.port, this.endpoint.apiKey).catch(() => null);
        if (!this.currentServer) this.endpointError = (error as Error).message;
        await this.followOnOllamaPort(false);
        this.emitStatus();
        throw error;
      }
    }
    this.endpoint = next;
    this.endpointError = null;
    if (change.ollama !== undefined) this.ollama.enabled = change.ollama;
    const reason = !enabled ? "Brook's endpoint was turned off." : change.ollama === false ? "Brook stopped answering on Ollama's port." : ENDPOINT_RESTART_MESSAGE;
    await this.followOnOllamaPort(keyChanged, reason);
    this.emitStatus();
    return this.endpointSettings();
  }

  /** listen(), with a message for the window when the port cannot be had. */
  private async listenOrExplain(port: number, apiKey: string | null): Promise<BrookServer> {
    try {
      return await this.listen(port, apiKey);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new ApiError('validation', `Port ${port} is already in use by another program. Choose another port, or 0 for any free one.`);
      }
      if (code === 'EACCES') {
        throw new ApiError('validation', `Brook may not listen on port ${port}: ports below 1024 need administrator rights. Choose a port from 1024 to 65535.`);
      }
      throw error;
    }
  }

  /** The model, the endpoint and the load, as the window shows them. */
  status(): AppStatus {
    const endpoint = this.endpointSettings();
    const stats = this.backend.stats;
    return {
      model: this.backend.state,
      endpoint: { url: endpoint.url, enabled: endpoint.enabled, port: endpoint.port, apiKeySet: endpoint.apiKey !== null },
      busy: { inFlight: stats.inFlight, queued: stats.queued },
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

  /**
   * Loads another GGUF file; resolves once it is ready (the old model, or the remote server, keeps serving
   * until then).
   */
  async openModel(path: string | undefined): Promise<void> {
    if (!path?.trim()) throw new ApiError('validation', 'Enter the full path of a .gguf model file on this computer.');
    const modelPath = resolve(path.trim());
    let file;
    try {
      file = await stat(modelPath);
    } catch {
      throw new ApiError('validation', `No file at ${modelPath}. Check the path and try again.`);
    }
    if (!file.isFile()) throw new ApiError('validation', `${modelPath} is not a file. Give the path of a .gguf model file.`);
    const current = this.backend.current;
    if (current instanceof LocalBackend) {
      await current.load(modelPath);
      return;
    }
    const local = Brook.localBackend(this.config);
    try {
      await local.load(modelPath);
    } catch (error) {
      await local.dispose();
      throw error;
    }
    await this.switchTo(local);
  }

  /**
   * Serves from a remote TGI, OpenAI-compatible or Brook server from now on; resolves once it answered (the
   * current backend keeps serving until then, and stays if the server cannot be reached).
   */
  async useRemote(remote: RemoteConfig): Promise<void> {
    const next = new RemoteBackend({ ...remote, maxConcurrentRequests: this.config.maxConcurrentRequests });
    try {
      await next.connect();
    } catch (error) {
      await next.dispose();
      throw error;
    }
    await this.switchTo(next);
  }

  /** The window's replies are stopped and saved first; streams still open on the previous backend end with an error event. */
  private async switchTo(next: Backend): Promise<void> {
    const previous = this.backend.use(next);
    await this.chats.stopAll();
    await previous.dispose();
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
    this.closed = true;
    this.stopModelListener();
    if (this.busyTimer) clearInterval(this.busyTimer);
    this.busyTimer = null;
    await this.chats.stopAll();
    // An endpoint change under way ends first (its server would be left open otherwise).
    await this.endpointQueue;
    const server = this.currentServer;
    this.currentServer = null;
    await Promise.all([server?.close(), this.ollama.close()]);
    await this.store.close();
    await this.backend.dispose();
  }
}
