import { randomUUID } from 'node:crypto';
import type { Unsubscribe } from '../wire/bridge.js';
import type { ApiRequestInfo, ApiRequestState, RequestCaller } from '../wire/endpoint.js';
import type { TrackedRequest } from './ServerContext.js';

export interface RequestRegistryOptions {
  /** Finished requests kept in the list (oldest dropped first). */
  keepFinished?: number;
  /** Least time between two notifications about token counts; state changes are notified at once. */
  progressIntervalMs?: number;
}

interface Entry {
  info: ApiRequestInfo;
  cancel: AbortController;
  firstTokenAt: number;
  lastTokenAt: number;
}

/** Why a generation stopped when cancel(id) stopped it. */
export const CANCELLED_MESSAGE = "The request was cancelled in Brook's window.";

/**
 * The live list of requests from other tools: what is queued, generating and recently finished, with a
 * way to cancel one. Fed through its observer by serveGeneration, the one pipeline every API route goes through.
 */
export class RequestRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(requests: ApiRequestInfo[]) => void>();
  private readonly keepFinished: number;
  private readonly progressIntervalMs: number;
  private progressTimer: NodeJS.Timeout | null = null;
  private notifyQueued = false;

  constructor(options: RequestRegistryOptions = {}) {
    this.keepFinished = options.keepFinished ?? 50;
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /** Oldest first: active requests and the last finished ones. */
  list(): ApiRequestInfo[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.info }));
  }

  get(id: string): ApiRequestInfo | undefined {
    const entry = this.entries.get(id);
    return entry ? { ...entry.info } : undefined;
  }

  /** Stops a queued or generating request within one token; false if there is no such active request. */
  cancel(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || !isActive(entry.info.state)) return false;
    entry.cancel.abort(new Error(CANCELLED_MESSAGE));
    return true;
  }

  /** Called with the whole list after each change (token counts at most every progressIntervalMs). */
  onChange(listener: (requests: ApiRequestInfo[]) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Lists a request; its signal also aborts on cancel(id), and its observer keeps the entry up to date
   * (a refused request is listed as an error).
   */
  track(caller: RequestCaller, signal: AbortSignal): TrackedRequest {
    const cancel = new AbortController();
    const entry: Entry = {
      info: {
        id: randomUUID(),
        route: caller.route,
        client: caller.client,
        state: 'queued',
        tokens: 0,
        tokensPerSecond: 0,
        promptTokens: 0,
        startedAt: Date.now(),
        finishedAt: null,
        error: null,
        toolCalls: [],
      },
      cancel,
      firstTokenAt: 0,
      lastTokenAt: 0,
    };
    this.entries.set(entry.info.id, entry);
    const combined = AbortSignal.any([signal, cancel.signal]);
    return {
      id: entry.info.id,
      signal: combined,
      observer: {
        refused: (error) => this.finish(entry, 'error', messageOf(error)),
        admitted: (inputLength) => {
          entry.info.promptTokens = inputLength ?? 0;
          this.changed(true);
        },
        token: (event) => this.progress(entry, event.index),
        end: (event) => {
          if (event.inputLength) entry.info.promptTokens = event.inputLength;
          entry.info.toolCalls = event.toolCalls ?? [];
          this.finish(entry, event.cancelled ? 'cancelled' : 'done', event.cancelled ? reasonOf(combined) : null);
        },
        failed: (error) => this.finish(entry, 'error', messageOf(error)),
        // Ended without its `end` event: the client left, or it was cancelled while queued.
        closed: () => this.finish(entry, 'cancelled', reasonOf(combined)),
      },
    };
  }

  private progress(entry: Entry, tokens: number): void {
    const now = performance.now();
    if (entry.info.state === 'queued') {
      entry.info.state = 'generating';
      entry.firstTokenAt = now;
      this.changed(true);
    } else {
      this.changed(false);
    }
    entry.lastTokenAt = now;
    entry.info.tokens = tokens;
    if (tokens > 1 && now > entry.firstTokenAt) entry.info.tokensPerSecond = ((tokens - 1) * 1000) / (now - entry.firstTokenAt);
  }

  private finish(entry: Entry, state: ApiRequestState, error: string | null): void {
    if (!isActive(entry.info.state)) return;
    entry.info.state = state;
    entry.info.error = error;
    entry.info.finishedAt = Date.now();
    this.prune();
    this.changed(true);
  }

  private prune(): void {
    let finished = 0;
    for (const entry of this.entries.values()) if (!isActive(entry.info.state)) finished++;
    for (const [id, entry] of this.entries) {
      if (finished <= this.keepFinished) break;
      if (!isActive(entry.info.state)) {
        this.entries.delete(id);
        finished--;
      }
    }
  }

  private changed(urgent: boolean): void {
    if (this.listeners.size === 0) return;
    if (urgent) {
      if (this.progressTimer) clearTimeout(this.progressTimer);
      this.progressTimer = null;
      if (this.notifyQueued) return;
      this.notifyQueued = true;
      queueMicrotask(() => {
        this.notifyQueued = false;
        this.notify();
      });
    } else if (!this.progressTimer && !this.notifyQueued) {
      this.progressTimer = setTimeout(() => {
        this.progressTimer = null;
        this.notify();
      }, this.progressIntervalMs);
      this.progressTimer.unref();
    }
  }

  private notify(): void {
    const requests = this.list();
    for (const listener of this.listeners) listener(requests);
  }
}

function isActive(state: ApiRequestState): boolean {
  return state === 'queued' || state === 'generating';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function reasonOf(signal: AbortSignal): string | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}
