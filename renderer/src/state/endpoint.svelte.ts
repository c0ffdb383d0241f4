import { describeError, type ErrorNotice } from '../bridge/errors';
import type { ApiRequestInfo, Bridge, EndpointChange, EndpointSettings } from '../bridge/types';

export type EndpointAction = 'enabled' | 'port' | 'key' | 'ollama';

export function isActiveRequest(request: ApiRequestInfo): boolean {
  return request.state === 'queued' || request.state === 'generating';
}

/** The Local API panel's state: the endpoint's settings, and the live list of requests from other tools. */
export class EndpointPanelState {
  settings = $state<EndpointSettings | null>(null);
  /** Oldest first, as Brook sends it; replaced whole on every change (never mutated). */
  requests = $state.raw<ApiRequestInfo[]>([]);
  /** The change being applied (the server restarts), if any. */
  pending = $state<EndpointAction | null>(null);
  error = $state<ErrorNotice | null>(null);
  /** Requests a cancel was asked for, until Brook reports them ended. */
  cancelling = $state<Record<string, true>>({});

  readonly active = $derived(this.requests.filter(isActiveRequest).length);

  constructor(private readonly bridge: Bridge) {}

  /** Follows the request list for as long as the window is open (a small push a few times a second at most). */
  start(): () => void {
    let pushed = false;
    const stop = this.bridge.onApiRequests((requests) => {
      pushed = true;
      this.requests = requests;
      this.forgetEnded();
    });
    this.bridge
      .listApiRequests()
      .then((requests) => {
        if (!pushed) this.requests = requests;
      })
      .catch(() => undefined);
    return stop;
  }

  async refresh(): Promise<void> {
    try {
      this.settings = await this.bridge.endpointSettings();
    } catch (error) {
      this.error = describeError(error);
    }
  }

  setEnabled(enabled: boolean): Promise<boolean> {
    return this.configure({ enabled }, 'enabled');
  }

  setPort(port: number): Promise<boolean> {
    return this.configure({ port }, 'port');
  }

  /** The second listener on Ollama's port; a port it cannot have shows in settings.ollama.error. */
  setOllama(enabled: boolean): Promise<boolean> {
    return this.configure({ ollama: enabled }, 'ollama');
  }

  generateKey(): Promise<boolean> {
    return this.configure({ apiKey: 'generate' }, 'key');
  }

  clearKey(): Promise<boolean> {
    return this.configure({ apiKey: null }, 'key');
  }

  dismissError(): void {
    this.error = null;
  }

  /** Stops a request from another tool; its row turns to cancelled when Brook reports it. */
  async cancel(id: string): Promise<void> {
    this.cancelling = { ...this.cancelling, [id]: true };
    try {
      await this.bridge.cancelApiRequest(id);
    } catch (error) {
      this.error = describeError(error);
      const { [id]: _, ...rest } = this.cancelling;
      this.cancelling = rest;
    }
  }

  private async configure(change: EndpointChange, action: EndpointAction): Promise<boolean> {
    this.pending = action;
    this.error = null;
    try {
      this.settings = await this.bridge.configureEndpoint(change);
      return true;
    } catch (error) {
      this.error = describeError(error);
      // The endpoint may be as it was, or off: show what it is now.
      await this.refresh();
      return false;
    } finally {
      this.pending = null;
    }
  }

  private forgetEnded(): void {
    const ids = Object.keys(this.cancelling);
    if (ids.length === 0) return;
    const active = new Set(this.requests.filter(isActiveRequest).map((request) => request.id));
    const still = Object.fromEntries(ids.filter((id) => active.has(id)).map((id) => [id, true as const]));
    if (Object.keys(still).length !== ids.length) this.cancelling = still;
  }
}
