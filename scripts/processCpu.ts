// CPU time of a process and of its main thread, from Linux's /proc: where a server's time per token goes,
// beyond the wall-clock rates the bench compares. Null where /proc is not there (macOS, Windows).
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  /** All threads of the process, ms. */
  processMs: number;
  /** The main thread alone, ms: Node's JavaScript thread; llama-server's decoding loop. */
  mainThreadMs: number;
}

/** Kernel clock ticks per second (USER_HZ), which /proc reports times in; 100 on Linux's usual builds. */
const TICK_MS = 10;

function ticks(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command name (which may contain spaces) start with the state; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function cpuTimes(pid: number): CpuTimes | null {
  try {
    return { processMs: ticks(`/proc/${pid}/stat`) * TICK_MS, mainThreadMs: ticks(`/proc/${pid}/task/${pid}/stat`) * TICK_MS };
  } catch {
    return null;
  }
}
