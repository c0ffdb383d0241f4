import { ApiError } from '../errors.js';

/**
 * The error a client still listening gets when its generation was aborted before the end (cancelled from the
 * window's Endpoint panel, or Brook shutting down); the abort reason says which.
 */
export function stoppedEarly(signal: AbortSignal): StoppedEarly {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason ? String(reason) : 'the generation ended early';
  return new StoppedEarly(`Generation stopped before the end: ${why}`);
}

/** A generation that was stopped, not one that failed: OpenAI-style errors give it the code `cancelled`. */
export class StoppedEarly extends ApiError {
  constructor(message: string) {
    super('incomplete_generation', message);
  }
}
