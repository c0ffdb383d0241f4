import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import type { Admission, BackendStats, RequestSource } from '../backends/Backend.js';
import type { InFlightCounter } from '../backends/InFlightCounter.js';
import type { Engine, PreparedGeneration } from '../engine/Engine.js';
import type { GenerationEvent, GenerationRequest } from '../wire/generation.js';

interface Waiter {
  tokens: Token[];
  grant: (sequence: LlamaContextSequence) => void;
}

/**
 * Admission, FIFO queue and the sequence pool. A request takes the free sequence whose cached tokens share
 * the longest prefix with its prompt, so follow-ups and regenerations skip most of the prefill.
 */
export class Scheduler {
  private readonly free: LlamaContextSequence[];
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly engine: Engine,
    /** Requests in flight per source, with the 429 rule (shared with /tokenize). */
    private readonly inFlight: InFlightCounter,
  ) {
    this.free = [...engine.sequences];
  }

  get stats(): BackendStats {
    return { inFlight: this.inFlight.total, queued: this.queue.length, running: this.engine.sequences.length - this.free.length };
  }

  /**
   * Admits a request at once or throws: 429 `overloaded` past the limit, 422 `validation` for a prompt that
   * does not fit. Nothing is sent to the client before this returns, so errors keep their real status.
   */
  admit(request: GenerationRequest, signal: AbortSignal, source: RequestSource = 'api'): Admission {
    const uncount = this.inFlight.enter(source);
    let prepared: PreparedGeneration;
    try {
      prepared = this.engine.prepare(request);
    } catch (error) {
      uncount();
      throw error;
    }
    const events = this.execute(prepared, signal, source, uncount);
    return {
      inputLength: prepared.tokens.length,
      events,
      close: async () => {
        await events.return(undefined);
        uncount();
      },
    };
  }

  private async *execute(prepared: PreparedGeneration, signal: AbortSignal, source: RequestSource, uncount: () => void): AsyncGenerator<GenerationEvent> {
    let sequence: LlamaContextSequence | undefined;
    try {
      const queuedAt = performance.now();
      sequence = await this.acquire(prepared.tokens, signal, source);
      if (!sequence) return;
      yield* this.engine.run(prepared, sequence, signal, performance.now() - queuedAt);
    } finally {
      if (sequence) this.release(sequence);
      uncount();
    }
  }

  /** A free sequence, now or when one frees up; undefined if the signal aborts first. */
  private acquire(tokens: Token[], signal: AbortSignal, source: RequestSource): Promise<LlamaContextSequence | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.free.length > 0 && this.queue.length === 0) return Promise.resolve(this.takeBestFor(tokens));
    return new Promise((resolve) => {
      const waiter: Waiter = {
        tokens,
        grant: (sequence) => {
          signal.removeEventListener('abort', onAbort);
          resolve(sequence);
        },
      };
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at !== -1) this.queue.splice(at, 1);
        resolve(undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (source === 'window') {
        const firstApi = this.queue.findIndex((w) => !windowWaiters.has(w));
        this.queue.splice(firstApi === -1 ? this.queue.length : firstApi, 0, waiter);
        windowWaiters.add(waiter);
      } else {
        this.queue.push(waiter);
      }
    });
  }

  private release(sequence: LlamaContextSequence): void {
    this.free.push(sequence);
    const next = this.queue.shift();
    if (next) next.grant(this.takeBestFor(next.tokens));
  }

  /** The free sequence sharing the longest prefix with `tokens`; among equals, the one freed longest ago. */
  private takeBestFor(tokens: Token[]): LlamaContextSequence {
    let best = 0;
    let bestShared = -1;
    this.free.forEach((sequence, at) => {
      const shared = sequence.compareContextTokens(tokens).firstDifferentIndex;
      if (shared > bestShared) {
        best = at;
        bestShared = shared;
      }
    });
    return this.free.splice(best, 1)[0]!;
  }
}

const windowWaiters = new WeakSet<Waiter>();
