// The Bridge over HTTP, for the window served at /ui/ (browser mode). Each command is one request to its app
// route, both derived from the command table (electron/core/wire/bridgeCommands.ts); replies, status and the requests from other tools arrive over one
// SSE stream, GET /app/events, read with fetch (so it can carry an API key header) and parsed with
// eventsource-parser.
import { createParser } from 'eventsource-parser';
import { BRIDGE_COMMANDS, type BridgeCommand } from '../../../electron/core/wire/bridgeCommands.js';
import { commandMethods, type BridgeCommands } from './commandBridge';
import { BridgeError } from './errors';
import type {
  ApiRequestInfo,
  AppEvent,
  AppStatus,
  Bridge,
  PositionedReplyUpdate,
  ReplyUpdate,
  Unsubscribe,
} from './types';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

const API_KEY_STORAGE = 'brook.apiKey';
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5_000;

// The command methods (status, send, …) come from the command table; see the constructor.
export interface HttpBridge extends BridgeCommands {}

export class HttpBridge implements Bridge {
  readonly mode = 'browser' as const;
  private readonly statusListeners = new Set<(status: AppStatus) => void>();
  private readonly replyListeners = new Set<(update: ReplyUpdate & PositionedReplyUpdate) => void>();
  private readonly requestListeners = new Set<(requests: ApiRequestInfo[]) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private connectionState: ConnectionState = 'connecting';
  private stream: AbortController | null = null;
  private apiKey: string | null;

  constructor(private readonly base: string = location.origin) {
    this.apiKey = readStoredKey();
    Object.assign(this, commandMethods((command, payload) => this.command(command, payload)));
  }

  get connection(): ConnectionState {
    return this.connectionState;
  }

  /** Called when the event stream opens, drops (Brook stopped or restarted) or needs an API key. */
  onConnection(listener: (state: ConnectionState) => void): Unsubscribe {
    this.connectionListeners.add(listener);
    listener(this.connectionState);
    return () => this.connectionListeners.delete(listener);
  }

  /** The key Brook was started with (--api-key): kept for this tab only. */
  setApiKey(key: string | null): void {
    this.apiKey = key?.trim() || null;
    try {
      if (this.apiKey) sessionStorage.setItem(API_KEY_STORAGE, this.apiKey);
      else sessionStorage.removeItem(API_KEY_STORAGE);
    } catch {
      // storage unavailable: the key lives as long as the page
    }
    this.restartStream();
  }

  /**
   * "Retry now": while Brook is not answering, ends the current wait (or a hung attempt) and tries again at
   * once, with the backoff from its start; the events stream resumes as after any reconnection. Nothing to do
   * while connected, still connecting, or waiting for an API key (setApiKey retries).
   */
  reconnect(): void {
    if (this.connectionState !== 'reconnecting') return;
    this.reopenStream();
  }

  onStatus(listener: (status: AppStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    this.ensureStream();
    return () => {
      this.statusListeners.delete(listener);
      this.stopStreamIfUnused();
    };
  }

  onReply(listener: (update: ReplyUpdate) => void): Unsubscribe {
    this.replyListeners.add(listener);
    this.ensureStream();
    return () => {
      this.replyListeners.delete(listener);
      this.stopStreamIfUnused();
    };
  }

  onApiRequests(listener: (requests: ApiRequestInfo[]) => void): Unsubscribe {
    this.requestListeners.add(listener);
    this.ensureStream();
    return () => {
      this.requestListeners.delete(listener);
      this.stopStreamIfUnused();
    };
  }

  private get listened(): boolean {
    return this.statusListeners.size > 0 || this.replyListeners.size > 0 || this.requestListeners.size > 0;
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = {};
    if (json) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    return headers;
  }

  /** One command as its app route: `:name` path segments from the payload, the rest as query (GET) or JSON body. */
  private command(command: BridgeCommand, payload: Record<string, unknown>): Promise<unknown> {
    const { method, path } = BRIDGE_COMMANDS[command];
    const rest = { ...payload };
    const filled = path.replace(/:(\w+)/g, (_match, name: string) => {
      const value = String(rest[name] ?? '');
      delete rest[name];
      return encodeURIComponent(value);
    });
    if (method === 'POST') return this.call(method, filled, rest);
    const query = new URLSearchParams(Object.entries(rest).map(([name, value]) => [name, String(value)])).toString();
    return this.call(method, query ? `${filled}?${query}` : filled);
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: this.headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new BridgeError(`Brook does not answer at ${this.base}. Check that it is still running (npm run serve), then try again.`, 'network', 0);
    }
    if (response.status === 204) return undefined as T;
    const data: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      if (response.status === 401) this.setConnection('unauthorized');
      const error = data as { error?: unknown; error_type?: unknown } | null;
      throw new BridgeError(
        typeof error?.error === 'string' ? error.error : `Brook answered ${response.status} ${response.statusText}.`,
        typeof error?.error_type === 'string' ? error.error_type : 'unknown',
        response.status,
      );
    }
    return data as T;
  }

  private setConnection(state: ConnectionState): void {
    if (state === this.connectionState) return;
    this.connectionState = state;
    for (const listener of [...this.connectionListeners]) listener(state);
  }

  private ensureStream(): void {
    if (this.stream) return;
    const controller = new AbortController();
    this.stream = controller;
    void this.readEvents(controller.signal);
  }

  private stopStreamIfUnused(): void {
    if (this.listened) return;
    this.stream?.abort();
    this.stream = null;
  }

  private restartStream(): void {
    if (this.listened) this.setConnection('connecting');
    this.reopenStream();
  }

  private reopenStream(): void {
    this.stream?.abort();
    this.stream = null;
    if (this.listened) this.ensureStream();
  }

  /** Reads GET /app/events until aborted, reconnecting with backoff when Brook goes away. */
  private async readEvents(signal: AbortSignal): Promise<void> {
    let delay = RETRY_MIN_MS;
    const parser = createParser({ onEvent: (event) => this.dispatch(event.data) });
    while (!signal.aborted) {
      try {
        const response = await fetch(`${this.base}/app/events`, { headers: { ...this.headers(false), accept: 'text/event-stream' }, cache: 'no-store', signal });
        if (response.status === 401) {
          this.setConnection('unauthorized');
          return; // setApiKey starts a new stream
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.setConnection('open');
        delay = RETRY_MIN_MS;
        parser.reset({ consume: false });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      this.setConnection('reconnecting');
      await sleep(delay, signal);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }

  private dispatch(data: string): void {
    let event: AppEvent;
    try {
      event = JSON.parse(data) as AppEvent;
    } catch {
      return;
    }
    if (event.type === 'status') {
      for (const listener of [...this.statusListeners]) listener(event.status);
    } else if (event.type === 'reply') {
      const update: ReplyUpdate & PositionedReplyUpdate = { ...event.update, offset: event.offset };
      for (const listener of [...this.replyListeners]) listener(update);
    } else if (event.type === 'requests') {
      for (const listener of [...this.requestListeners]) listener(event.requests);
    }
  }
}

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(API_KEY_STORAGE);
  } catch {
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
