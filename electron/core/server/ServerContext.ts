import type { Backend } from '../backends/Backend.js';
import type { RequestCaller } from '../wire/endpoint.js';
import type { GenerationObserver } from './GenerationObserver.js';
import type { RequestRegistry } from './RequestRegistry.js';
import type { ServerMetrics } from './ServerMetrics.js';

/** A request the server follows: its id, the signal that really drives it, and who is told about it. */
export interface TrackedRequest {
  id: string;
  /** The caller's signal combined with cancel(id) in the live list; its reason says why a generation stopped. */
  signal: AbortSignal;
  /** The live request list and the metrics, both. */
  observer: GenerationObserver;
}

/** What every route plugin gets: the backend, the pipeline's tracking hook, and the server's shutdown signal. */
export interface ServerContext {
  backend: Backend;
  /** Lists a request from an outside tool in `requests` and measures it in `metrics` (serveGeneration calls it). */
  track(caller: RequestCaller, signal: AbortSignal): TrackedRequest;
  /** Aborts every open generation when the server closes. */
  shutdown: AbortSignal;
  maxConcurrentRequests: number;
  version: string;
  /** Live list of requests from other tools, with cancel (the window's Endpoint panel). */
  requests: RequestRegistry;
  metrics: ServerMetrics;
}
