import { overloadedError } from '../errors.js';
import type { RequestSource } from './Backend.js';

/**
 * Requests in flight per source, and the one admission rule every backend applies: outside tools get 429
 * `overloaded` past `--max-concurrent-requests`; the window's chat is never refused because of them.
 */
export class InFlightCounter {
  private api = 0;
  private window = 0;

  constructor(private readonly maxConcurrentRequests: number) {}

  get total(): number {
    return this.api + this.window;
  }

  /** Counts one more request from `source` or throws 429; the returned function uncounts it (once). */
  enter(source: RequestSource): () => void {
    if (source === 'api' && this.api >= this.maxConcurrentRequests) throw overloadedError();
    this.add(source, +1);
    let counted = true;
    return () => {
      if (counted) this.add(source, -1);
      counted = false;
    };
  }

  private add(source: RequestSource, delta: number): void {
    if (source === 'api') this.api += delta;
    else this.window += delta;
  }
}
