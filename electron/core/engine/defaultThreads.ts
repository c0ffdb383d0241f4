import { availableParallelism } from 'node:os';

/** Most threads given by default: a small model's token loop gains nothing past this, and synchronises more. */
const MAX_DEFAULT_THREADS = 8;

/**
 * CPU threads a model runs with when none are asked for: one core is left to everything else, at most 8.
 *
 * Why not all cores: ggml's compute threads meet at a spinning barrier after every operation (hundreds per
 * token). When anything else wants a core — Node's main thread handing tokens on, the HTTP server, the
 * window, another program — one compute thread is descheduled and the others spin until it returns, so a
 * thread per core stalls at every barrier. Measured with scripts/benchThreads.ts on a 2-core machine (AMD
 * EPYC, SmolLM2-135M Q4_1, 100 greedy tokens, alternating rounds, other test suites running): node-llama-cpp's
 * bare loop 1 thread 22–76 tok/s, 2 threads 1.6–84 tok/s; llama-server built from the same source 1 thread
 * 37–90 tok/s, 2 threads 2.2–4.4 tok/s. Quiet, 2 threads gain nothing inside Node (the issue's ~66 tok/s
 * either way): the JS thread is then the one that preempts a compute thread. So 2 cores get 1 thread;
 * bigger machines keep one core free too (not measured here: reasoned from the same barrier).
 */
export function defaultThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, MAX_DEFAULT_THREADS));
}
