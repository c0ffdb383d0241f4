// The engine's per-token log-probabilities (computed from the chosen logit, the highest logit and the total
// logit weight) against node-llama-cpp's full `probabilities` for the same tokens, on the real model.
import type { Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledModelPath } from '../bundledModel.js';
import type { GenerateParameters } from '../wire/tgi.js';
import type { EndEvent, TokenEvent } from '../wire/generation.js';
import { Engine, type PreparedGeneration } from './Engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load({ modelPath: bundledModelPath(), sequences: 1, contextSize: 1024 });
});
afterAll(async () => {
  await engine?.dispose();
});

const PROMPT = 'The three most useful things to pack for a long hike are';

async function generate(parameters: GenerateParameters, signal = new AbortController().signal): Promise<{ prepared: PreparedGeneration; tokens: TokenEvent[]; end: EndEvent }> {
  const prepared = engine.prepare({ prompt: { text: PROMPT }, parameters });
  // From an empty sequence, as the reference below: the same cache layout gives the same logits.
  await engine.sequences[0]!.clearHistory();
  const tokens: TokenEvent[] = [];
  let end: EndEvent | undefined;
  for await (const event of engine.run(prepared, engine.sequences[0]!, signal)) {
    if (event.type === 'token') tokens.push(event);
    else if (event.type === 'end') end = event;
  }
  return { prepared, tokens, end: end! };
}

/**
 * node-llama-cpp's full distribution at every step of `generated`, with the request's own sampler settings
 * (temperature, top-k/p, penalties), fed the generated tokens: what `probabilities` says of each one.
 */
async function referenceDistributions(prepared: PreparedGeneration, generated: Token[]): Promise<Map<Token, number>[]> {
  const sequence = engine.sequences[0]!;
  await sequence.clearHistory();
  const { tokens } = prepared;
  const window = (count: number) => [...tokens, ...generated.slice(0, count)].slice(-256);
  const options = prepared.plan.stepOptions(() => window(steps.length));
  const steps: Map<Token, number>[] = [];
  const iterator = sequence.evaluateWithMetadata(tokens, { probabilities: true }, { ...options, yieldEogToken: true });
  try {
    let step = await iterator.next();
    while (!step.done) {
      steps.push(step.value.probabilities);
      if (steps.length === generated.length) break;
      step = await iterator.next(generated[steps.length - 1]);
    }
  } finally {
    await iterator.return(undefined);
  }
  return steps;
}

const ids = (events: TokenEvent[]) => events.map((event) => event.token.id as Token);

function expectLogprobsMatch(tokens: TokenEvent[], reference: Map<Token, number>[]): void {
  expect(reference).toHaveLength(tokens.length);
  tokens.forEach((event, i) => {
    const probability = reference[i]!.get(event.token.id as Token);
    expect(probability, `token ${i + 1} is not a candidate of the reference distribution`).toBeGreaterThan(0);
    expect(Math.abs(event.token.logprob! - Math.log(probability!))).toBeLessThan(1e-4);
  });
}

describe('Engine log-probabilities', () => {
  it('greedy: each token is the most likely one and its logprob equals what `probabilities` gives', async () => {
    const { prepared, tokens } = await generate({ max_new_tokens: 24 });
    expect(tokens.length).toBeGreaterThan(0);
    const reference = await referenceDistributions(prepared, ids(tokens));
    expectLogprobsMatch(tokens, reference);
    tokens.forEach((event, i) => expect(event.token.id).toBe(reference[i]!.keys().next().value));
  });

  it('greedy with penalties: logprobs of the penalized distribution', async () => {
    const { prepared, tokens } = await generate({ max_new_tokens: 24, repetition_penalty: 1.3, frequency_penalty: 0.5 });
    expectLogprobsMatch(tokens, await referenceDistributions(prepared, ids(tokens)));
  });

  it('sampled: logprobs of the tempered, truncated distribution; the same seed gives the same tokens', async () => {
    const parameters: GenerateParameters = { max_new_tokens: 24, do_sample: true, temperature: 0.8, top_p: 0.9, seed: 42 };
    const first = await generate(parameters);
    const again = await generate(parameters);
    expect(ids(again.tokens)).toEqual(ids(first.tokens));
    expect(first.end.seed).toBe(42);
    expectLogprobsMatch(first.tokens, await referenceDistributions(first.prepared, ids(first.tokens)));
  });

  it('sampled with top_k only: logprobs match', async () => {
    const { prepared, tokens } = await generate({ max_new_tokens: 16, top_k: 5, seed: 7 });
    expectLogprobsMatch(tokens, await referenceDistributions(prepared, ids(tokens)));
  });

  it('top_n_tokens: the top candidates and their logprobs are the head of `probabilities`, greedy and sampled', async () => {
    for (const parameters of [{ max_new_tokens: 12, top_n_tokens: 5 }, { max_new_tokens: 12, top_n_tokens: 3, temperature: 0.7, seed: 3 }] satisfies GenerateParameters[]) {
      const { prepared, tokens } = await generate(parameters);
      const reference = await referenceDistributions(prepared, ids(tokens));
      expectLogprobsMatch(tokens, reference);
      tokens.forEach((event, i) => {
        const head = [...reference[i]!].slice(0, parameters.top_n_tokens);
        expect(event.topTokens?.map((top) => top.id)).toEqual(head.map(([id]) => id));
        event.topTokens!.forEach((top, j) => expect(Math.abs(top.logprob! - Math.log(head[j]![1]))).toBeLessThan(1e-4));
      });
    }
  });

  it('typical_p: the token drawn here carries its probability from the full distribution', async () => {
    const { prepared, tokens } = await generate({ max_new_tokens: 12, typical_p: 0.9, seed: 11, top_n_tokens: 2 });
    const reference = await referenceDistributions(prepared, ids(tokens));
    expectLogprobsMatch(tokens, reference);
    tokens.forEach((event) => expect(event.topTokens).toHaveLength(2));
  });

  it('stops within one token when aborted, and the sequence is usable at once', async () => {
    const controller = new AbortController();
    const prepared = engine.prepare({ prompt: { text: PROMPT }, parameters: { max_new_tokens: 500 } });
    let seen = 0;
    let end: EndEvent | undefined;
    for await (const event of engine.run(prepared, engine.sequences[0]!, controller.signal)) {
      if (event.type === 'token' && ++seen === 3) controller.abort();
      if (event.type === 'end') end = event;
    }
    expect(seen).toBe(3);
    expect(end).toMatchObject({ cancelled: true, generatedTokens: 3 });
    const after = await generate({ max_new_tokens: 2 });
    expect(after.end.generatedTokens).toBeGreaterThan(0);
  });
});
