import { availableParallelism } from 'node:os';

/** CPU threads a model runs with when none are asked for: the machine's cores. */
export function defaultThreads(cores: number = availableParallelism()): number {
  return cores;
}
