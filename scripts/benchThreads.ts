// How the token rate depends on the thread count, for node-llama-cpp's bare loop and for llama-server, taking
// turns round by round: the measurement behind `defaultThreads()` (electron/core/engine/defaultThreads.ts).
//
//   npx tsx scripts/benchThreads.ts [--threads 1,2] [--rounds 3] [--tokens 100]
import { parseArgs } from 'node:util';
import { getLlama, LlamaLogLevel, type LlamaContext } from 'node-llama-cpp';
import { availableParallelism } from 'node:os';
import { bundledModelPath } from '../electron/core/bundledModel.js';
import { openAIStream, tokensPerSecond } from './benchClients.js';
import { PROMPTS } from './benchPrompts.js';
import { ensureLlamaServer, startLlamaServer, type RunningLlamaServer } from './llamaServer.js';

const { values } = parseArgs({ options: { threads: { type: 'string' }, rounds: { type: 'string' }, tokens: { type: 'string' } } });
const THREADS = (values.threads ?? [...new Set([1, 2, availableParallelism()])].join(',')).split(',').map(Number);
const ROUNDS = Number(values.rounds ?? 3);
const TOKENS = Number(values.tokens ?? 100);

async function bare(context: LlamaContext, prompt: string): Promise<number> {
  const sequence = context.getSequence();
  try {
    let count = 0;
    let first = 0;
    for await (const token of sequence.evaluate(context.model.tokenize(prompt, true), { temperature: 0 })) {
      if (count++ === 0) first = performance.now();
      if (count >= TOKENS || token < 0) break;
    }
    return ((count - 1) * 1000) / (performance.now() - first);
  } finally {
    sequence.dispose();
  }
}

async function main(): Promise<void> {
  const modelPath = bundledModelPath();
  const llama = await getLlama({ build: 'never', gpu: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const built = await ensureLlamaServer((line) => console.error(line));
  const rows: { name: string; rates: number[] }[] = [];
  const runners: { name: string; run: (prompt: string) => Promise<number> }[] = [];
  const servers: RunningLlamaServer[] = [];
  for (const threads of THREADS) {
    const context = await model.createContext({ sequences: 1, contextSize: 1024, threads });
    runners.push({ name: `node-llama-cpp bare loop, ${threads} thread(s)`, run: (prompt) => bare(context, prompt) });
    if ('path' in built) {
      const server = await startLlamaServer({ modelPath, threads, parallel: 1, ctxSize: 1024, binary: built.path });
      servers.push(server);
      runners.push({ name: `llama-server, ${threads} thread(s)`, run: async (prompt) => tokensPerSecond(await openAIStream(server.url, prompt, TOKENS)) });
    }
  }
  for (const { name } of runners) rows.push({ name, rates: [] });
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < runners.length; i++) {
      const index = (i + round) % runners.length;
      rows[index]!.rates.push(await runners[index]!.run(PROMPTS[round % PROMPTS.length]!));
    }
    console.error(`round ${round + 1}/${ROUNDS}: ${rows.map((row) => `${row.name} ${row.rates.at(-1)!.toFixed(1)}`).join('; ')}`);
  }
  console.log(`${TOKENS} greedy tokens, ${ROUNDS} alternating rounds, ${availableParallelism()} cores; tokens/s per round:`);
  for (const row of rows) console.log(`  ${row.name.padEnd(40)} ${row.rates.map((rate) => rate.toFixed(1).padStart(6)).join(' ')}`);
  if (!('path' in built)) console.log(`  llama-server: skipped — ${built.skipped}`);
  await Promise.all(servers.map((server) => server.stop()));
  await llama.dispose();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
