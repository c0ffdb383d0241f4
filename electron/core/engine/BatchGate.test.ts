import { describe, expect, it } from 'vitest';
import { BatchGate } from './BatchGate.js';

/** A decode that finishes when told to, recording when it started. */
function manualDecode(log: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const decode = () => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { decode, finish: () => finish(name), fail: (error: Error) => fail(error) };
}

/** A few turns of the event loop: the gate releases held decodes on the turn after the batch is back. */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('BatchGate', () => {
  it('starts a lone decode at once', async () => {
    const gate = new BatchGate();
    const log: string[] = [];
    const a = manualDecode(log, 'a');
    const result = gate.run(a.decode);
    expect(log).toEqual(['start a']);
    a.finish();
    await expect(result).resolves.toBe('a');
  });

  it('holds decodes asked for while others are in flight, then starts them together', async () => {
    const gate = new BatchGate();
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => manualDecode(log, name));
    const first = [gate.run(a!.decode)];
    // b arrives while a is in flight (a sequence admitted mid-batch): it waits for a's batch to come back.
    first.push(gate.run(b!.decode));
    expect(log).toEqual(['start a']);
    a!.finish();
    await first[0];
    await turn();
    expect(log).toEqual(['start a', 'start b']);
    // a asks again (c) while b is still in flight; d too: both start only when b is back, in one go.
    const next = [gate.run(c!.decode), gate.run(d!.decode)];
    await turn();
    expect(log).toEqual(['start a', 'start b']);
    b!.finish();
    await turn();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    c!.finish();
    d!.finish();
    await expect(Promise.all(next)).resolves.toEqual(['c', 'd']);
  });

  it('a failed decode still lets the others go, and its caller gets the error', async () => {
    const gate = new BatchGate();
    const log: string[] = [];
    const a = manualDecode(log, 'a');
    const b = manualDecode(log, 'b');
    const failed = gate.run(a.decode);
    const waiting = gate.run(b.decode);
    a.fail(new Error('decode failed'));
    await expect(failed).rejects.toThrow('decode failed');
    await turn();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    await expect(waiting).resolves.toBe('b');
  });

  it('a decode that throws before returning a promise is reported, not lost', async () => {
    const gate = new BatchGate();
    await expect(gate.run(() => { throw new Error('bad input'); })).rejects.toThrow('bad input');
    const log: string[] = [];
    const a = manualDecode(log, 'a');
    const result = gate.run(a.decode);
    expect(log).toEqual(['start a']);
    a.finish();
    await expect(result).resolves.toBe('a');
  });
});
