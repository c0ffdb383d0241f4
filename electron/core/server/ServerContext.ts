import type { ModelHost } from '../ModelHost.js';
import type { Admission } from '../scheduler/Scheduler.js';
import type { GenerationRequest } from '../wire/generation.js';

/** What every route plugin gets: the model, the one way in to the pipeline, and the server's shutdown signal. */
export interface ServerContext {
  host: ModelHost;
  /** Admits a request from an outside tool (429 `overloaded` past the limit, 422 for prompts that don't fit). */
  admit(request: GenerationRequest, signal: AbortSignal): Admission;
  /** Aborts every open generation when the server closes. */
  shutdown: AbortSignal;
  maxConcurrentRequests: number;
  version: string;
}
