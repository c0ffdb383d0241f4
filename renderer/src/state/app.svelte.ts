import { HttpBridge, type ConnectionState } from '../bridge';
import { describeError, type ErrorNotice } from '../bridge/errors';
import type { AppStatus, Bridge, RemoteServer } from '../bridge/types';

export type ModelPhase = 'starting' | 'offline' | 'loading' | 'ready' | 'generating' | 'error';

/** Brook as the window sees it: the model, the endpoint, the connection to Brook itself. */
export class AppState {
  status = $state<AppStatus | null>(null);
  connection = $state<ConnectionState>('open');
  openingModel = $state(false);
  modelError = $state<ErrorNotice | null>(null);

  readonly phase = $derived.by<ModelPhase>(() => {
    // The last status is stale once Brook stopped answering: say so rather than "Ready".
    if (this.connection === 'reconnecting') return 'offline';
    const model = this.status?.model;
    if (!model) return 'starting';
    if (model.state === 'loading') return 'loading';
    if (model.state === 'error') return 'error';
    return (this.status?.busy.inFlight ?? 0) > 0 ? 'generating' : 'ready';
  });

  readonly modelName = $derived.by(() => {
    const model = this.status?.model;
    if (!model) return '';
    const path = model.state === 'ready' ? model.info.path : model.path;
    return (model.state === 'ready' ? model.info.id : path.split(/[\\/]/).pop()?.replace(/\.gguf$/i, '')) ?? '';
  });

  constructor(readonly bridge: Bridge) {}

  get mode(): 'electron' | 'browser' {
    return this.bridge.mode;
  }

  /** Subscribes to status and the connection; returns the cleanup. */
  start(onReconnect: () => void): () => void {
    const stops: (() => void)[] = [];
    stops.push(this.bridge.onStatus((status) => (this.status = status)));
    if (this.bridge instanceof HttpBridge) {
      let wasDown = false;
      stops.push(
        this.bridge.onConnection((state) => {
          this.connection = state;
          if (state === 'reconnecting' || state === 'unauthorized') wasDown = true;
          if (state === 'open' && wasDown) {
            wasDown = false;
            onReconnect();
          }
        }),
      );
    }
    this.bridge
      .status()
      .then((status) => (this.status ??= status))
      .catch(() => undefined);
    return () => stops.forEach((stop) => stop());
  }

  /** "Retry now" on the offline banner: reconnects without reloading the window, so nothing in it is lost. */
  reconnect(): void {
    this.bridge.reconnect();
  }

  setApiKey(key: string): void {
    if (this.bridge instanceof HttpBridge) this.bridge.setApiKey(key);
  }

  openModel(path?: string): Promise<boolean> {
    return this.switchModel(() => this.bridge.openModel(path));
  }

  /** Serves from a remote TGI, vLLM, llama.cpp or Brook server; false (with the reason in modelError) if it cannot be reached. */
  useRemote(remote: RemoteServer): Promise<boolean> {
    return this.switchModel(() => this.bridge.useRemote(remote));
  }

  private async switchModel(change: () => Promise<void>): Promise<boolean> {
    this.modelError = null;
    this.openingModel = true;
    try {
      await change();
      return true;
    } catch (error) {
      this.modelError = describeError(error);
      return false;
    } finally {
      this.openingModel = false;
    }
  }
}
