// `npm run bench`: the cost of the SSE endpoint over the raw engine, for one prompt, measured in one run.
// The raw engine runs in this process; the endpoint is `npm run serve`'s server in a child process, read by
// a streaming client here. Runs alternate (engine, endpoint, engine, …) so both see the same machine state.
// Then the window: frames longer than 50 ms while a 1,000-token reply renders (scripts/benchWindow.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { bundledModelPath } from '../electron/core/bundledModel.js';
import { Engine } from '../electron/core/engine/Engine.js';
import { readSse } from '../electron/core/testing/readSse.js';
import type { GenerationRequest } from '../electron/core/wire/generation.js';
import { benchWindow, formatWindowBench } from './benchWindow.js';

// Two prompts that differ from their first token, alternated round by round: neither side can reuse the
// previous round's cached prefix, so both pay the full prefill every time.
const PROMPTS = ['Once upon a time, in a small village by the sea, there lived an old fisherman who', 'In the year 2150, the first colony ship to leave the solar system carried'];
const NEW_TOKENS = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
/** CPU threads of both the engine and the server (default: the machine's cores, as Brook uses). */
const THREADS = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : availableParallelism();

interface Run {
  firstTokenMs: number;
  /** Generated tokens per second after the first token (the decode rate). */
  tokensPerSecond: number;
  text: string;
}

async function rawEngine(engine: Engine, prompt: string): Promise<Run> {
  const request: GenerationRequest = { prompt: { text: prompt }, parameters: { max_new_tokens: NEW_TOKENS } };
  const started = performance.now();
  const prepared = engine.prepare(request);
  const sequence = engine.sequences[0]!;
  let first = 0;
  let lastAt = 0;
  let text = '';
  for await (const event of engine.run(prepared, sequence, new AbortController().signal)) {
    if (event.type !== 'token') continue;
    lastAt = performance.now() - started;
    if (event.index === 1) first = lastAt;
    text += event.token.text;
  }
  return { firstTokenMs: first, tokensPerSecond: ((NEW_TOKENS - 1) * 1000) / (lastAt - first), text };
}

async function endpoint(url: string, prompt: string): Promise<Run> {
  const started = performance.now();
  const response = await fetch(`${url}/generate_stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: prompt, parameters: { max_new_tokens: NEW_TOKENS } }),
  });
  const { events } = await readSse(response, started);
  const frames = events.map((event) => JSON.parse(event.data) as { token: { text: string } });
  const first = events[0]!.at;
  const last = events.at(-1)!.at;
  return { firstTokenMs: first, tokensPerSecond: ((frames.length - 1) * 1000) / (last - first), text: frames.map((frame) => frame.token.text).join('') };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const modelPath = bundledModelPath();
  const server = spawn(process.execPath, ['--import', 'tsx', 'electron/cli.ts', '--port', '0', '--parallel', '1', '--context-size', '2048', '--threads', String(THREADS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  server.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match && output.includes('Model ready')) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  const engine = await Engine.load({ modelPath, sequences: 1, contextSize: 2048, threads: THREADS });
  console.log(`Model ${engine.info.id} on ${engine.info.gpu || 'CPU'}, ${engine.info.threads} threads; ${NEW_TOKENS} new tokens, greedy, ${ROUNDS} rounds each.`);

  // Warm-up: the first run of each pays one-off costs (page cache, allocations).
  await rawEngine(engine, PROMPTS[1]!);
  await endpoint(url, PROMPTS[1]!);
  const raw: Run[] = [];
  const sse: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const prompt = PROMPTS[round % 2]!;
    // Which goes first alternates too, so neither always runs on a machine just warmed by the other.
    if (round % 4 < 2) {
      raw.push(await rawEngine(engine, prompt));
      sse.push(await endpoint(url, prompt));
    } else {
      sse.push(await endpoint(url, prompt));
      raw.push(await rawEngine(engine, prompt));
    }
    if (raw[round]!.text !== sse[round]!.text) {
      throw new Error('The engine and the endpoint generated different texts; the comparison would be meaningless.');
    }
  }

  const rawTps = median(raw.map((run) => run.tokensPerSecond));
  const sseTps = median(sse.map((run) => run.tokensPerSecond));
  const rawTtft = median(raw.map((run) => run.firstTokenMs));
  const sseTtft = median(sse.map((run) => run.firstTokenMs));
  console.log('');
  console.log('                     tokens/s   time to first token');
  console.log(`raw engine         ${rawTps.toFixed(1).padStart(10)}   ${rawTtft.toFixed(1).padStart(8)} ms`);
  console.log(`SSE endpoint       ${sseTps.toFixed(1).padStart(10)}   ${sseTtft.toFixed(1).padStart(8)} ms`);
  console.log(`endpoint / engine  ${(sseTps / rawTps).toFixed(3).padStart(10)}   ${(sseTtft / rawTtft).toFixed(3).padStart(8)}`);
  console.log(`(medians of ${ROUNDS}; throughput goal: endpoint ≥ 0.97 × engine)`);

  await engine.dispose();
  server.kill('SIGINT');
  await once(server, 'exit');

  console.log('');
  if (process.env.BENCH_WINDOW !== '0') console.log(formatWindowBench(await benchWindow({ log: () => undefined })));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
