// `npm run bench [-- --json]`: Brook's speed next to llama.cpp's own `llama-server` on the same model, machine
// and threads, measured in one run with the paths taking turns round by round (each round in another order),
// so all of them see the same machine state. Prints one table (or, with --json, one object) with:
//   - one stream: the bare node-llama-cpp loop, Brook's engine, the SSE endpoint (TGI and OpenAI routes), the
//     window's path (ChatService, as the IPC handlers call it) and llama-server: tokens/s and time to first
//     token, each as a ratio to llama-server;
//   - aggregate tokens/s of 1, 2, 4 and 8 concurrent streams against llama-server with as many slots;
//   - time to first token of a 1,500-token chat, cold, as a follow-up turn and as a regenerate;
//   - the window's longest frame while a 1,000-token reply streams (scripts/benchWindow.ts).
// llama-server is built once from the llama.cpp source node-llama-cpp ships (scripts/llamaServer.ts); where it
// cannot be built, its column is reported as skipped, with the reason.
//
// Environment: BENCH_ROUNDS (default 3), BENCH_TOKENS (new tokens per run, default 200), BENCH_THREADS
// (default: Brook's own default), BENCH_STREAMS (default 1,2,4,8), BENCH_WINDOW=0 skips the window,
// BENCH_REFERENCE=0 skips llama-server (and its build).
// Progress goes to stderr; stdout carries only the table or the JSON.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem, type, release, arch } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Brook } from '../electron/core/Brook.js';
import { bundledModelPath } from '../electron/core/bundledModel.js';
import { parseConfig } from '../electron/core/config.js';
import { defaultThreads } from '../electron/core/engine/defaultThreads.js';
import { Engine } from '../electron/core/engine/Engine.js';
import { anthropicStream, bareLoop, engineRun, ollamaStream, openAIStream, responsesStream, tgiStream, tokensPerSecond, windowPath, type StreamRun } from './benchClients.js';
import { FOLLOW_UP, PROMPTS, chatPrompt, longConversation } from './benchPrompts.js';
import { PATHS, evaluateGoals, formatReport, type BenchReport, type Concurrency, type LongPromptCase, type Machine, type SinglePath } from './benchReport.js';
import { benchWindow } from './benchWindow.js';
import { startBrookServer, type RunningBrookServer } from './brookServer.js';
import { ensureLlamaServer, startLlamaServer, type RunningLlamaServer } from './llamaServer.js';
import { cpuTimes } from './processCpu.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NEW_TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const THREADS = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : defaultThreads();
const STREAMS = (process.env.BENCH_STREAMS ?? '1,2,4,8').split(',').map(Number);
/** Tokens per sequence: the 1,500-token chat, its follow-up and their replies fit. */
const CONTEXT_SIZE = 2048;
const LONG_PROMPT_TOKENS = 1500;
/** Tokens generated per run of the long-prompt cases: only the first one is timed. */
const LONG_PROMPT_REPLY = 16;
const JSON_OUTPUT = process.argv.includes('--json');

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
/** `items` starting at `offset`, wrapping around: round r runs the paths in another order than round r − 1. */
/**
 * The raw-text prompt of the bench's n-th single-stream run. Each run gets the next prompt, so no run finds its
 * prompt in a cache the run before it left (at most 9 runs apart, fewer than the 12 prompts): every first
 * token includes its prompt's processing, on every path alike.
 */
const prompt = (run: number) => PROMPTS[run % PROMPTS.length]!;
const rotate = <T>(items: readonly T[], offset: number) => items.map((_, i) => items[(i + offset) % items.length]!);

function machine(): Machine {
  const nodeLlamaCpp = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8')) as { version: string };
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    nodeLlamaCpp: nodeLlamaCpp.version,
  };
}

/** Runs the bench's n-th single-stream generation on one path. */
type Runner = (run: number) => Promise<StreamRun>;

/** A run on a server in a child process, with that server's CPU time per token (where /proc has it). */
function withCpu(pid: () => number, run: Runner): Runner {
  return async (n) => {
    const before = cpuTimes(pid());
    const result = await run(n);
    const after = cpuTimes(pid());
    if (!before || !after || result.tokens === 0) return result;
    const perToken = (ms: number) => ms / result.tokens;
    return { ...result, cpu: { processMsPerToken: perToken(after.processMs - before.processMs), mainThreadMsPerToken: perToken(after.mainThreadMs - before.mainThreadMs) } };
  };
}

/** One stream per path, the paths taking turns: a warm-up run each, then ROUNDS rounds. */
async function singleStream(paths: [string, Runner][]): Promise<SinglePath[]> {
  const runs = new Map<string, StreamRun[]>(paths.map(([name]) => [name, []]));
  log(`One stream: ${paths.length} paths, a warm-up and ${ROUNDS} rounds each…`);
  let runNumber = 0;
  for (const [, run] of paths) await run(runNumber++);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of rotate(paths, round)) runs.get(name)!.push(await run(runNumber++));
    log(`  round ${round + 1}/${ROUNDS} done`);
  }
  return paths.map(([name]) => {
    const done = runs.get(name)!;
    const cpu = done.flatMap((run) => (run.cpu ? [run.cpu] : []));
    return {
      path: name,
      tokensPerSecond: median(done.map(tokensPerSecond)),
      firstTokenMs: median(done.map((run) => run.firstTokenMs)),
      tokens: median(done.map((run) => run.tokens)),
      processCpuMsPerToken: cpu.length ? median(cpu.map((c) => c.processMsPerToken)) : null,
      mainThreadCpuMsPerToken: cpu.length ? median(cpu.map((c) => c.mainThreadMsPerToken)) : null,
    };
  });
}

/** `streams` requests at once, each with its own prompt: all their tokens per second of wall time. */
async function aggregate(url: string, streams: number, round: number): Promise<number> {
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: streams }, (_, i) => openAIStream(url, PROMPTS[(round * streams + i) % PROMPTS.length]!, NEW_TOKENS)));
  const wallMs = performance.now() - started;
  return (runs.reduce((sum, run) => sum + run.tokens, 0) * 1000) / wallMs;
}

async function concurrencyLevel(streams: number, brook: RunningBrookServer, reference: RunningLlamaServer | null): Promise<Concurrency> {
  const brookRates: number[] = [];
  const referenceRates: number[] = [];
  const rounds = Math.max(1, Math.ceil(ROUNDS / 2));
  await aggregate(brook.url, streams, rounds);
  if (reference) await aggregate(reference.url, streams, rounds);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['brook', 'reference'] as const) : (['reference', 'brook'] as const);
    for (const who of order) {
      if (who === 'brook') brookRates.push(await aggregate(brook.url, streams, round));
      else if (reference) referenceRates.push(await aggregate(reference.url, streams, round));
    }
  }
  log(`  ${streams} streams: Brook ${median(brookRates).toFixed(1)}, llama-server ${reference ? median(referenceRates).toFixed(1) : '—'} tokens/s`);
  return { streams, brook: median(brookRates), reference: reference ? median(referenceRates) : null };
}

/** A cold 1,500-token chat, then a follow-up turn, then a regenerate of that turn's reply: first-token times. */
async function longPrompt(url: string, messages: ReturnType<typeof longConversation>): Promise<Record<LongPromptCase['case'], number>> {
  const cold = await openAIStream(url, messages, LONG_PROMPT_REPLY);
  const followUpMessages = [...messages, { role: 'assistant' as const, content: cold.text }, { role: 'user' as const, content: FOLLOW_UP }];
  const followUp = await openAIStream(url, followUpMessages, LONG_PROMPT_REPLY);
  const regenerate = await openAIStream(url, followUpMessages, LONG_PROMPT_REPLY);
  return { cold: cold.firstTokenMs, 'follow-up': followUp.firstTokenMs, regenerate: regenerate.firstTokenMs };
}

async function main(): Promise<void> {
  const modelPath = bundledModelPath();
  const built = process.env.BENCH_REFERENCE === '0' ? { skipped: 'BENCH_REFERENCE=0' } : await ensureLlamaServer(log);
  const referenceSkipped = 'skipped' in built ? built.skipped : null;
  if (referenceSkipped) log(`llama-server: skipped — ${referenceSkipped}`);
  const startReference = (parallel: number) => ('path' in built ? startLlamaServer({ modelPath, threads: THREADS, parallel, ctxSize: CONTEXT_SIZE, binary: built.path }) : Promise.resolve(null));

  log(`Loading: Brook's engine and window path here, Brook's server and llama-server in child processes (${THREADS} threads each)…`);
  const engine = await Engine.load({ modelPath, sequences: 1, contextSize: CONTEXT_SIZE, threads: THREADS });
  const windowDataDir = mkdtempSync(join(tmpdir(), 'brook-bench-window-path-'));
  const windowConfig = parseConfig(['--data-dir', windowDataDir, '--parallel', '1', '--threads', String(THREADS), '--context-size', String(CONTEXT_SIZE)]);
  if (windowConfig === 'help') throw new Error('unreachable');
  const { brook: windowBrook, modelLoaded } = await Brook.start(windowConfig, { serve: false });
  await modelLoaded;
  let brookServer = await startBrookServer({ threads: THREADS, parallel: 1, contextSize: CONTEXT_SIZE });
  let reference = await startReference(1);

  const sequence = engine.sequences[0]!;
  const brookPid = () => brookServer.pid;
  const paths: [string, Runner][] = [
    [PATHS.bare, (run) => bareLoop(engine, sequence, prompt(run), NEW_TOKENS)],
    [PATHS.engine, (run) => engineRun(engine, sequence, prompt(run), NEW_TOKENS)],
    [PATHS.tgi, withCpu(brookPid, (run) => tgiStream(brookServer.url, prompt(run), NEW_TOKENS))],
    [PATHS.openai, withCpu(brookPid, (run) => openAIStream(brookServer.url, prompt(run), NEW_TOKENS))],
    [PATHS.window, (run) => windowPath(windowBrook, chatPrompt(run), NEW_TOKENS)],
    [PATHS.ollama, withCpu(brookPid, (run) => ollamaStream(brookServer.url, prompt(run), NEW_TOKENS))],
    [PATHS.anthropic, withCpu(brookPid, (run) => anthropicStream(brookServer.url, prompt(run), NEW_TOKENS))],
    [PATHS.responses, withCpu(brookPid, (run) => responsesStream(brookServer.url, prompt(run), NEW_TOKENS))],
  ];
  if (reference) paths.unshift([PATHS.reference, withCpu(() => reference!.pid, (run) => openAIStream(reference!.url, prompt(run), NEW_TOKENS))]);
  const single = await singleStream(paths);
  await windowBrook.close();
  rmSync(windowDataDir, { recursive: true, force: true });

  log(`First token of a ${LONG_PROMPT_TOKENS}-token chat: cold, follow-up, regenerate…`);
  const count = (messages: ReturnType<typeof longConversation>) => engine.tokenize({ messages }).length;
  const conversationTokens = count(longConversation(0, LONG_PROMPT_TOKENS, count));
  const brookCases: Record<string, number>[] = [];
  const referenceCases: Record<string, number>[] = [];
  const longRounds = Math.max(2, Math.ceil(ROUNDS / 2));
  for (let round = 0; round < longRounds; round++) {
    const messages = longConversation(round, LONG_PROMPT_TOKENS, count);
    if (round % 2 === 1 && reference) referenceCases.push(await longPrompt(reference.url, messages));
    brookCases.push(await longPrompt(brookServer.url, messages));
    if (round % 2 === 0 && reference) referenceCases.push(await longPrompt(reference.url, messages));
  }
  await engine.dispose();
  const cases: LongPromptCase[] = (['cold', 'follow-up', 'regenerate'] as const).map((name) => ({
    case: name,
    brookMs: median(brookCases.map((row) => row[name]!)),
    referenceMs: reference ? median(referenceCases.map((row) => row[name]!)) : null,
  }));

  log('Concurrent streams…');
  const concurrency: Concurrency[] = [];
  for (const streams of STREAMS) {
    if (streams !== 1) {
      await Promise.all([brookServer.stop(), reference?.stop()]);
      brookServer = await startBrookServer({ threads: THREADS, parallel: streams, contextSize: CONTEXT_SIZE });
      reference = await startReference(streams);
    }
    concurrency.push(await concurrencyLevel(streams, brookServer, reference));
  }
  await Promise.all([brookServer.stop(), reference?.stop()]);

  let window: BenchReport['window'] = { skipped: 'BENCH_WINDOW=0' };
  if (process.env.BENCH_WINDOW !== '0') {
    log('The window while a 1,000-token reply streams…');
    try {
      window = await benchWindow({ tokens: 1000, threads: THREADS, log });
    } catch (error) {
      window = { skipped: (error as Error).message.split('\n')[0]! };
    }
  }

  const partial: Omit<BenchReport, 'goals'> = {
    model: engine.info.id,
    device: engine.info.gpu ? `GPU (${engine.info.gpu})` : 'CPU',
    threads: THREADS,
    newTokens: NEW_TOKENS,
    rounds: ROUNDS,
    machine: machine(),
    referenceSkipped,
    single,
    concurrency,
    longPrompt: { conversationTokens, cases },
    window,
  };
  const report: BenchReport = { ...partial, goals: evaluateGoals(partial) };
  console.log(JSON_OUTPUT ? JSON.stringify(report, null, 2) : formatReport(report));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
