// What `npm run bench` found, as one object (`--json`) and as the table it prints: every figure next to its
// ratio to llama.cpp's own server, and the goals as met or not.
import type { WindowBenchResult } from './benchWindow.js';
import { LONG_FRAME_MS } from './benchWindow.js';

export const REFERENCE = 'llama-server';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  nodeLlamaCpp: string;
}

export interface SinglePath {
  path: string;
  /** Median decode rate over the rounds. */
  tokensPerSecond: number;
  /** Median time to first token, ms. */
  firstTokenMs: number;
  /** Median tokens generated per run. */
  tokens: number;
  /** A server in a child process: CPU ms per token, all its threads (null for paths in the bench's process, or without /proc). */
  processCpuMsPerToken: number | null;
  /** The same for its main thread alone: Brook's JavaScript thread, llama-server's decoding loop. */
  mainThreadCpuMsPerToken: number | null;
}

export interface Concurrency {
  streams: number;
  /** Aggregate tokens per second (all streams' tokens / from sending to the last token), medians. */
  brook: number;
  reference: number | null;
}

export interface LongPromptCase {
  case: 'cold' | 'follow-up' | 'regenerate';
  brookMs: number;
  referenceMs: number | null;
}

export interface BenchReport {
  model: string;
  device: string;
  threads: number;
  newTokens: number;
  rounds: number;
  machine: Machine;
  /** Why there is no llama-server column, where there is none. */
  referenceSkipped: string | null;
  single: SinglePath[];
  concurrency: Concurrency[];
  longPrompt: { conversationTokens: number; cases: LongPromptCase[] };
  window: WindowBenchResult | { skipped: string };
  goals: Goal[];
}

export interface Goal {
  goal: string;
  value: string;
  met: boolean | null;
}

export const PATHS = {
  reference: `${REFERENCE} /v1/completions (stream)`,
  bare: 'node-llama-cpp bare loop (sequence.evaluate)',
  engine: "Brook's engine (Engine.run)",
  tgi: 'Brook SSE, TGI /generate_stream',
  openai: 'Brook SSE, OpenAI /v1/completions (stream)',
  window: "Brook window path (ChatService → IPC updates)",
  ollama: 'Brook NDJSON, Ollama /api/generate (raw)',
  anthropic: 'Brook SSE, Anthropic /v1/messages (chat)',
  responses: 'Brook SSE, OpenAI /v1/responses (chat)',
} as const;

const ratio = (value: number, reference: number | null | undefined) => (reference ? (value / reference).toFixed(2) : '—');
const fixed = (value: number | null | undefined, digits = 1) => (value == null || Number.isNaN(value) ? '—' : value.toFixed(digits));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Each goal of the issue, from the figures. */
export function evaluateGoals(report: Omit<BenchReport, 'goals'>): Goal[] {
  const path = (name: string) => report.single.find((row) => row.path === name);
  const reference = path(PATHS.reference);
  const bare = path(PATHS.bare)!;
  const sse = [path(PATHS.tgi)!, path(PATHS.openai)!];
  const slowest = sse.reduce((a, b) => (a.tokensPerSecond <= b.tokensPerSecond ? a : b));
  const goals: Goal[] = [];
  goals.push({
    goal: 'SSE endpoint ≥ 0.9× llama-server tokens/s, one stream (aim 1.0)',
    value: reference ? `${ratio(slowest.tokensPerSecond, reference.tokensPerSecond)}× (${slowest.path})` : 'no llama-server',
    met: reference ? slowest.tokensPerSecond >= 0.9 * reference.tokensPerSecond : null,
  });
  goals.push({
    goal: 'SSE endpoint ≥ 0.97× the bare node-llama-cpp loop',
    value: `${ratio(slowest.tokensPerSecond, bare.tokensPerSecond)}×`,
    met: slowest.tokensPerSecond >= 0.97 * bare.tokensPerSecond,
  });
  const four = report.concurrency.find((row) => row.streams === 4);
  goals.push({
    goal: "4 streams' aggregate ≥ llama-server with 4 slots",
    value: four?.reference ? `${ratio(four.brook, four.reference)}×` : 'no llama-server',
    met: four?.reference ? four.brook >= four.reference : null,
  });
  const tgi = path(PATHS.tgi)!;
  for (const name of [PATHS.ollama, PATHS.anthropic, PATHS.responses]) {
    const row = path(name);
    if (!row) continue;
    goals.push({
      goal: `${name} within 3% of TGI's tokens/s`,
      value: `${ratio(row.tokensPerSecond, tgi.tokensPerSecond)}×`,
      met: row.tokensPerSecond >= 0.97 * tgi.tokensPerSecond,
    });
  }
  const cold = report.longPrompt.cases.find((row) => row.case === 'cold')!;
  for (const name of ['follow-up', 'regenerate'] as const) {
    const row = report.longPrompt.cases.find((candidate) => candidate.case === name)!;
    goals.push({ goal: `${name} time to first token < 20% of cold`, value: `${((100 * row.brookMs) / cold.brookMs).toFixed(1)}%`, met: row.brookMs < 0.2 * cold.brookMs });
  }
  if ('skipped' in report.window) goals.push({ goal: `no window frame over ${LONG_FRAME_MS} ms`, value: `skipped: ${report.window.skipped}`, met: null });
  else goals.push({ goal: `no window frame over ${LONG_FRAME_MS} ms`, value: `longest ${report.window.worstFrameMs} ms`, met: report.window.longFrames === 0 });
  return goals;
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [];
  out.push(`Brook bench — ${report.model} on ${report.device}, ${report.threads} threads, ${report.newTokens} new tokens (greedy), ${report.rounds} alternating rounds, medians`);
  out.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}; node-llama-cpp ${m.nodeLlamaCpp}`);
  if (report.referenceSkipped) out.push(`${REFERENCE}: skipped — ${report.referenceSkipped}`);
  out.push('');

  const reference = report.single.find((row) => row.path === PATHS.reference);
  const bare = report.single.find((row) => row.path === PATHS.bare);
  out.push(
    table(
      ['One stream', 'tokens/s', `× ${REFERENCE}`, '× bare loop', 'first token ms', `× ${REFERENCE}`, 'tokens', 'server CPU ms/token', 'main thread'],
      report.single.map((row) => [
        row.path,
        fixed(row.tokensPerSecond),
        ratio(row.tokensPerSecond, reference?.tokensPerSecond),
        ratio(row.tokensPerSecond, bare?.tokensPerSecond),
        fixed(row.firstTokenMs),
        ratio(row.firstTokenMs, reference?.firstTokenMs),
        String(row.tokens),
        fixed(row.processCpuMsPerToken, 2),
        fixed(row.mainThreadCpuMsPerToken, 2),
      ]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['Concurrent streams (aggregate tokens/s)', 'Brook', REFERENCE, `× ${REFERENCE}`],
      report.concurrency.map((row) => [`${row.streams} stream${row.streams > 1 ? 's' : ''} (${row.streams} sequences / slots)`, fixed(row.brook), fixed(row.reference), ratio(row.brook, row.reference)]),
    ),
  );
  out.push('');
  const cold = report.longPrompt.cases.find((row) => row.case === 'cold');
  out.push(
    table(
      [`First token, ${report.longPrompt.conversationTokens}-token chat (/v1/chat/completions)`, 'Brook ms', '× cold', `${REFERENCE} ms`, '× cold', `× ${REFERENCE}`],
      report.longPrompt.cases.map((row) => [
        row.case === 'cold' ? 'cold cache (prompt processing)' : row.case === 'follow-up' ? 'follow-up turn' : 'regenerate',
        fixed(row.brookMs),
        ratio(row.brookMs, cold?.brookMs),
        fixed(row.referenceMs),
        ratio(row.referenceMs ?? Number.NaN, cold?.referenceMs),
        ratio(row.brookMs, row.referenceMs),
      ]),
    ),
  );
  out.push('');
  if ('skipped' in report.window) out.push(`Window: skipped (${report.window.skipped})`);
  else {
    const w = report.window;
    out.push(
      `Window while a ${w.tokens}-token reply streams (${w.tokensPerSecond} tok/s): longest frame ${w.worstFrameMs} ms, frames over ${LONG_FRAME_MS} ms: ${w.longFrames} of ${w.frames}` +
        (w.longAnimationFrames === null ? '' : `; long animation frames: ${w.longAnimationFrames} (worst ${w.worstLongAnimationFrameMs} ms)`),
    );
  }
  out.push('');
  out.push('Goals');
  for (const goal of report.goals) out.push(`  ${goal.met === null ? '[n/a]' : goal.met ? '[met]' : '[NOT met]'} ${goal.goal}: ${goal.value}`);
  return out.join('\n');
}
