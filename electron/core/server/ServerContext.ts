import type { ModelHost } from '../ModelHost.js';
import type { GenerationRequest } from '../wire/generation.js';
import type { RequestRegistry, TrackedAdmission } from './RequestRegistry.js';
import type { ServerMetrics } from './ServerMetrics.js';

/** What every route plugin gets: the model, the one way in to the pipeline, and the server's shutdown signal. */
export interface ServerContext {
  host: ModelHost;
  /**
   * Admits a request from an outside tool (429 `overloaded` past the limit, 422 for prompts that don't fit).
   * The single door of every API route: the request is listed in `requests` (with the route and User-Agent
   * of the HTTP request being handled) and measured in `metrics`.
   */
  admit(request: GenerationRequest, signal: AbortSignal): TrackedAdmission;
  /** Aborts every open generation when the server closes. */
  shutdown: AbortSignal;
  maxConcurrentRequests: number;
  version: string;
  /** Live list of requests from other tools, with cancel (the window's Endpoint panel). */
  requests: RequestRegistry;
  metrics: ServerMetrics;
}
