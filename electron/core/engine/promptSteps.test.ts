// Long prompts are read in steps (Engine's PROMPT_STEP): the window sees progress, Stop takes effect
// within a step, and other streams keep generating while a long prompt is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledModelPath } from '../bundledModel.js';
import type { GenerationEvent } from '../wire/generation.js';
import { Engine } from './Engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load({ modelPath: bundledModelPath(), sequences: 2, contextSize: 2048 });
});
afterAll(async () => {
  await engine?.dispose();
});

/** A text of about `words` words that differs from the start for each `variant` (no cached prefix). */
const longText = (variant: number, words: number) =>
  `Note ${variant}. ` + Array.from({ length: words }, (_, i) => ['river', 'stone', 'lamp', 'field', 'cloud', 'bread'][(i * (variant + 3)) % 6]).join(' ') + '. Summarize the notes:';

async function collect(events: AsyncGenerator<GenerationEvent>, onEvent?: (event: GenerationEvent) => void): Promise<GenerationEvent[]> {
  const seen: GenerationEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    onEvent?.(event);
  }
  return seen;
}

describe('Engine: long prompts read in steps', () => {
  it('reports how much of a long prompt it has read, in order, before the first token', async () => {
    const prepared = engine.prepare({ prompt: { text: longText(1, 600) }, parameters: { max_new_tokens: 3 } });
    expect(prepared.tokens.length).toBeGreaterThan(300);
    await engine.sequences[0]!.clearHistory();
    const events = await collect(engine.run(prepared, engine.sequences[0]!, new AbortController().signal));
    const firstToken = events.findIndex((event) => event.type === 'token');
    const progress = events.flatMap((event) => (event.type === 'prompt' ? [event] : []));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(0, progress.length).every((event) => event.type === 'prompt')).toBe(true);
    expect(firstToken).toBe(progress.length);
    for (const [i, event] of progress.entries()) {
      expect(event.total).toBe(prepared.tokens.length);
      expect(event.evaluated).toBeGreaterThan(i === 0 ? 0 : progress[i - 1]!.evaluated);
      expect(event.evaluated).toBeLessThan(event.total);
    }
    const end = events.at(-1)!;
    expect(end.type === 'end' && end.generatedTokens).toBe(3);
  });

  it('a short prompt, or the cached part of a long one, reports nothing', async () => {
    const text = longText(2, 600);
    const sequence = engine.sequences[0]!;
    await sequence.clearHistory();
    await collect(engine.run(engine.prepare({ prompt: { text }, parameters: { max_new_tokens: 1 } }), sequence, new AbortController().signal));
    // The same prompt again: all but its last token are cached, so there is nothing to read in steps.
    const again = await collect(engine.run(engine.prepare({ prompt: { text }, parameters: { max_new_tokens: 1 } }), sequence, new AbortController().signal));
    expect(again.filter((event) => event.type === 'prompt')).toEqual([]);
    const short = await collect(engine.run(engine.prepare({ prompt: { text: 'Hello' }, parameters: { max_new_tokens: 1 } }), sequence, new AbortController().signal));
    expect(short.filter((event) => event.type === 'prompt')).toEqual([]);
  });

  it('Stop while a long prompt is read ends the request within a step, with no tokens', async () => {
    const prepared = engine.prepare({ prompt: { text: longText(3, 1200) }, parameters: { max_new_tokens: 50 } });
    const stop = new AbortController();
    await engine.sequences[0]!.clearHistory();
    const events = await collect(engine.run(prepared, engine.sequences[0]!, stop.signal), (event) => {
      if (event.type === 'prompt') stop.abort();
    });
    expect(events.filter((event) => event.type === 'prompt')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'token')).toEqual([]);
    const end = events.at(-1)!;
    expect(end.type === 'end' && end.cancelled).toBe(true);
    expect(end.type === 'end' && end.generatedTokens).toBe(0);
  });

  it('another stream keeps generating while a long prompt is read', async () => {
    await Promise.all(engine.sequences.map((sequence) => sequence.clearHistory()));
    const order: string[] = [];
    const talker = engine.prepare({ prompt: { text: 'List the months of the year, one per line:' }, parameters: { max_new_tokens: 200 } });
    const reader = engine.prepare({ prompt: { text: longText(4, 1200) }, parameters: { max_new_tokens: 1 } });
    const stopTalker = new AbortController();
    const talking = collect(engine.run(talker, engine.sequences[0]!, stopTalker.signal), (event) => {
      if (event.type === 'token') order.push('token');
    });
    // Start reading once the talker is generating.
    while (!order.includes('token')) await new Promise((resolve) => setTimeout(resolve, 5));
    await collect(engine.run(reader, engine.sequences[1]!, new AbortController().signal), (event) => {
      if (event.type === 'prompt') order.push('prompt');
    });
    stopTalker.abort();
    await talking;
    const firstStep = order.indexOf('prompt');
    const lastStep = order.lastIndexOf('prompt');
    expect(lastStep).toBeGreaterThan(firstStep);
    // The talker's tokens came between the reader's steps, not only before and after them.
    expect(order.slice(firstStep, lastStep).filter((entry) => entry === 'token').length).toBeGreaterThanOrEqual(1);
  });
});
