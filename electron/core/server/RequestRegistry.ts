import { randomUUID } from 'node:crypto';
import type { Admission } from '../scheduler/Scheduler.js';
import type { Unsubscribe } from '../wire/bridge.js';
import type { ApiRequestInfo, ApiRequestState, RequestCaller } from '../wire/endpoint.js';
import type { GenerationEvent } from '../wire/generation.js';

/** An admission that the registry follows: its id, and the signal that really drives the generation. */
export interface TrackedAdmission extends Admission {
  id: string;
  /** The caller's signal combined with cancel(id); its reason says why a generation stopped. */
  signal: AbortSignal;
}

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
 * way to cancel one. Fed by ServerContext.admit, the one door every API route goes through.
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
   * Registers a request and admits it with `admit`, given a signal that also aborts on cancel(id).
   * A refused admission is listed as an error and rethrown.
   */
  track(caller: RequestCaller, signal: AbortSignal, admit: (signal: AbortSignal) => Admission): TrackedAdmission {
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
      },
      cancel,
      firstTokenAt: 0,
      lastTokenAt: 0,
    };
    this.entries.set(entry.info.id, entry);
    const combined = AbortSignal.any([signal, cancel.signal]);
    let admission: Admission;
    try {
      admission = admit(combined);
    } catch (error) {
      this.finish(entry, 'error', error instanceof Error ? error.message : String(error));
      throw error;
    }
    entry.info.promptTokens = admission.inputLength;
    this.changed(true);

    const registry = this;
    async function* follow(events: AsyncGenerator<GenerationEvent>): AsyncGenerator<GenerationEvent> {
      try {
        for await (const event of events) {
          if (event.type === 'token') registry.progress(entry, event.index);
          else registry.finish(entry, event.cancelled ? 'cancelled' : 'done', event.cancelled ? reasonOf(combined) : null);
          yield event;
        }
      } catch (error) {
        registry.finish(entry, 'error', error instanceof Error ? error.message : String(error));
        throw error;
      }
    }
    const events = follow(admission.events);
    return {
      id: entry.info.id,
      signal: combined,
      inputLength: admission.inputLength,
      events,
      close: async () => {
        try {
          await events.return(undefined);
          await admission.close();
        } finally {
          // Ended without its `end` event: the client left, or it was cancelled while queued.
          if (isActive(entry.info.state)) this.finish(entry, 'cancelled', reasonOf(combined));
        }
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

function reasonOf(signal: AbortSignal): string | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}
