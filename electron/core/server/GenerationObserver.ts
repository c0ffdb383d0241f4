import type { EndEvent, TokenEvent } from '../wire/generation.js';

/**
 * What the one streaming pipeline reports about each generation it serves. Metrics and the live request list
 * are both observers; a new protocol gets them for free. Calls come in this order: `refused`, or `admitted`,
 * then `token`s, then `end` or `failed`, then always `closed`.
 */
export interface GenerationObserver {
  refused(error: unknown): void;
  admitted(inputLength: number | null): void;
  token(event: TokenEvent): void;
  /** The backend's last event; `event.cancelled` says whether it was stopped. */
  end(event: EndEvent): void;
  failed(error: unknown): void;
  /** The request is over; without an `end` or `failed` before, the client left or it was cancelled while queued. */
  closed(): void;
}

/** One observer that tells each of `observers` everything. */
export function observeAll(...observers: GenerationObserver[]): GenerationObserver {
  return {
    refused: (error) => observers.forEach((o) => o.refused(error)),
    admitted: (inputLength) => observers.forEach((o) => o.admitted(inputLength)),
    token: (event) => observers.forEach((o) => o.token(event)),
    end: (event) => observers.forEach((o) => o.end(event)),
    failed: (error) => observers.forEach((o) => o.failed(error)),
    closed: () => observers.forEach((o) => o.closed()),
  };
}
