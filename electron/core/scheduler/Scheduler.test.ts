// The scheduler with the real engine: overload, FIFO queueing, prefix reuse and the window's priority.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundledModelPath } from '../bundledModel.js';
import { Engine } from '../engine/Engine.js';
import type { EndEvent, GenerationRequest } from '../wire/generation.js';
import type { Admission } from '../backends/Backend.js';
import { InFlightCounter } from '../backends/InFlightCounter.js';
import { Scheduler } from './Scheduler.js';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load({ modelPath: bundledModelPath(), sequences: 2, contextSize: 1024 });
});
afterAll(async () => {
  await engine?.dispose();
});

const story = (maxNewTokens: number, text = 'Once upon a time'): GenerationRequest => ({ prompt: { text }, parameters: { max_new_tokens: maxNewTokens } });

/** Each test's generations: aborted and awaited in its teardown, so a test that times out cannot break the next. */
let teardown: { controller: AbortController; pending: Promise<unknown>[] };
beforeEach(() => {
  teardown = { controller: new AbortController(), pending: [] };
});
afterEach(async () => {
  teardown.controller.abort();
  await Promise.allSettled(teardown.pending);
});

function finish(admission: Admission): Promise<EndEvent> {
  const ended = (async () => {
    try {
      for await (const event of admission.events) if (event.type === 'end') return event;
      throw new Error('no end event');
    } finally {
      await admission.close();
    }
  })();
  teardown.pending.push(ended);
  return ended;
}

// Generous: the model shares a loaded 2-core machine with other test processes.
describe('Scheduler', { timeout: 300_000 }, () => {
  it('refuses past max concurrent requests, never the window, and counts a request that is closed unread', async () => {
    const scheduler = new Scheduler(engine, new InFlightCounter(1));
    const signal = teardown.controller.signal;
    const first = scheduler.admit(story(3), signal);
    expect(() => scheduler.admit(story(3), signal)).toThrow(expect.objectContaining({ status: 429, errorType: 'overloaded' }));
    const fromWindow = scheduler.admit(story(3), signal, 'window');
    expect(scheduler.stats.inFlight).toBe(2);
    await first.close();
    await fromWindow.close();
    expect(scheduler.stats.inFlight).toBe(0);
    await finish(scheduler.admit(story(2), signal));
  });

  it('queues requests beyond the free sequences in FIFO order, with the window first', async () => {
    const scheduler = new Scheduler(engine, new InFlightCounter(10));
    const signal = teardown.controller.signal;
    const order: string[] = [];
    const run = (name: string, admission: Admission) => finish(admission).then((end) => (order.push(name), end));
    // b outlasts a and the three queued ones, so those run one after another on a's sequence, in queue order.
    const running = [run('a', scheduler.admit(story(20), signal)), run('b', scheduler.admit(story(120), signal))];
    // Both sequences are busy once a and b have started.
    const queued = [run('c', scheduler.admit(story(1), signal)), run('d', scheduler.admit(story(1), signal)), run('window', scheduler.admit(story(1), signal, 'window'))];
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(scheduler.stats).toMatchObject({ running: 2, queued: 3 });
    await Promise.all([...running, ...queued]);
    expect(order).toEqual(['a', 'window', 'c', 'd', 'b']);
    const ends = await Promise.all(queued);
    expect(ends.every((end) => end.timings.queueMs > 0)).toBe(true);
  });

  it('gives a follow-up the sequence that holds its prefix, so most of the prompt is not evaluated again', async () => {
    const scheduler = new Scheduler(engine, new InFlightCounter(10));
    const signal = teardown.controller.signal;
    const base = 'The history of the printing press begins in the fifteenth century, when';
    await finish(scheduler.admit(story(10, 'A completely different prompt about cooking pasta at home'), signal));
    const first = await finish(scheduler.admit(story(10, base), signal));
    const followUp = await finish(scheduler.admit(story(10, `${base} Johannes Gutenberg`), signal));
    expect(first.timings.reusedPromptTokens).toBeLessThan(2);
    expect(followUp.timings.reusedPromptTokens).toBeGreaterThanOrEqual(first.inputLength - 1);
  });

  it('an abort ends the generation within one token and frees the sequence; an abort while queued leaves the queue', async () => {
    const scheduler = new Scheduler(engine, new InFlightCounter(10));
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const admissions = controllers.map((controller) => scheduler.admit(story(500), controller.signal));
    const tokensSeen = [0, 0];
    const runs = admissions.slice(0, 2).map(async (admission, i) => {
      for await (const event of admission.events) {
        if (event.type === 'token') {
          tokensSeen[i]!++;
          if (tokensSeen[i] === 5) controllers[i]!.abort();
        } else return event;
      }
    });
    controllers[2]!.abort();
    const fromQueue = [];
    for await (const event of admissions[2]!.events) fromQueue.push(event);
    expect(fromQueue).toEqual([]);
    const ends = await Promise.all(runs);
    for (const end of ends) expect(end).toMatchObject({ cancelled: true, generatedTokens: 5 });
    await Promise.all(admissions.map((admission) => admission.close()));
    expect(scheduler.stats).toEqual({ inFlight: 0, queued: 0, running: 0 });
  });
});
