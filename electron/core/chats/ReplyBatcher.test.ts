import { describe, expect, it } from 'vitest';
import type { ReplyUpdate } from '../wire/bridge.js';
import type { Message } from '../wire/chats.js';
import { ReplyBatcher } from './ReplyBatcher.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const token = (i: number) => ({ id: i, text: `t${i} `, logprob: -1, special: false });

describe('ReplyBatcher', () => {
  it('sends at most one update per interval however fast tokens come, and loses none', async () => {
    const updates: (ReplyUpdate & { at: number })[] = [];
    const batcher = new ReplyBatcher('c', 'm', (update) => updates.push({ ...update, at: performance.now() }), 16);
    const started = performance.now();
    let pushed = 0;
    // A token every millisecond or so for 200 ms: far faster than a frame.
    while (performance.now() - started < 200) {
      batcher.push(token(pushed).text, token(pushed));
      pushed += 1;
      await sleep(1);
    }
    const final = { id: 'm', content: 'all' } as Message;
    await batcher.finish(final);
    batcher.push('late', token(-1));
    await sleep(40);

    expect(updates.length).toBeLessThan(pushed);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(200 / 16) + 2);
    for (let i = 1; i < updates.length; i += 1) expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(16);
    expect(updates.filter((u) => u.final)).toHaveLength(1);
    expect(updates.at(-1)?.final).toBe(final);
    expect(updates.map((u) => u.text).join('')).toBe(Array.from({ length: pushed }, (_, i) => `t${i} `).join(''));
    expect(updates.flatMap((u) => u.tokens).map((t) => t.id)).toEqual(Array.from({ length: pushed }, (_, i) => i));
    expect(updates.every((u) => u.conversationId === 'c' && u.messageId === 'm')).toBe(true);
  });

  it('sends the first token without waiting for the interval', async () => {
    const updates: ReplyUpdate[] = [];
    const batcher = new ReplyBatcher('c', 'm', (update) => updates.push(update), 100);
    batcher.push('Hi', token(1));
    await sleep(5);
    expect(updates.map((u) => u.text)).toEqual(['Hi']);
    batcher.push(' there', token(2));
    await sleep(5);
    expect(updates).toHaveLength(1);
    const finished = batcher.finish({ id: 'm' } as Message);
    // The final update, too, keeps to the interval.
    expect(updates).toHaveLength(1);
    await finished;
    expect(updates.map((u) => u.text)).toEqual(['Hi', ' there']);
    expect(updates[1]?.final).toEqual({ id: 'm' });
  });
});
