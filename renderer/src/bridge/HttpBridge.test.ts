// The window's HTTP bridge against a real Brook (the scripted backend) over real sockets: when Brook goes away
// and comes back, "Retry now" (reconnect) tries again at once, and the events stream resumes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Brook } from '../../../electron/core/Brook.js';
import { parseConfig } from '../../../electron/core/config.js';
import { HttpBridge, type ConnectionState } from './HttpBridge';
import type { AppStatus } from './types';

let dir: string;
let brook: Brook | null = null;

async function startBrook(port: number): Promise<Brook> {
  const config = parseConfig(['--scripted', 'e2e/support/script.json', '--data-dir', join(dir, 'chats'), '--port', String(port)], {});
  if (config === 'help') throw new Error('help');
  const started = await Brook.start(config, { serve: true, browserUi: { rendererDir: join(dir, 'renderer') } });
  await started.modelLoaded;
  return started.brook;
}

/** Resolves when the bridge's connection reaches `state` (at once if it is there). */
function reached(bridge: HttpBridge, state: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    let stop: (() => void) | undefined;
    let done = false;
    stop = bridge.onConnection((now) => {
      if (now !== state || done) return;
      done = true;
      stop?.();
      resolve();
    });
    if (done) stop();
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brook-http-bridge-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await brook?.close();
  brook = null;
  await rm(dir, { recursive: true, force: true });
});

describe('HttpBridge.reconnect', () => {
  it('while Brook is away, tries again at once instead of at the end of the wait; the events resume once it is back', async () => {
    brook = await startBrook(0);
    const port = brook.server!.port;
    const bridge = new HttpBridge(brook.server!.url);
    const statuses: AppStatus[] = [];
    const unsubscribe = bridge.onStatus((status) => statuses.push(status));
    try {
      await reached(bridge, 'open');
      await vi.waitFor(() => expect(statuses.length).toBeGreaterThan(0), { timeout: 20_000 });

      const fetches = vi.spyOn(globalThis, 'fetch');
      const attempts = () => fetches.mock.calls.filter(([input]) => String(input).endsWith('/app/events')).length;
      await brook.close();
      brook = null;
      // The bridge has just begun its backoff wait (at least half a second; no timer can fire before the
      // next line): reconnect starts the next attempt now, synchronously.
      await reached(bridge, 'reconnecting');
      const before = attempts();
      bridge.reconnect();
      expect(attempts()).toBe(before + 1);
      expect(bridge.connection).toBe('reconnecting');

      brook = await startBrook(port);
      const seen = statuses.length;
      bridge.reconnect();
      await reached(bridge, 'open');
      // Brook sends its status to a reader that connects: the stream is live again.
      await vi.waitFor(() => expect(statuses.length).toBeGreaterThan(seen), { timeout: 20_000 });
    } finally {
      unsubscribe();
    }
  });

  it('does nothing while connected', async () => {
    brook = await startBrook(0);
    const bridge = new HttpBridge(brook.server!.url);
    const unsubscribe = bridge.onStatus(() => undefined);
    try {
      await reached(bridge, 'open');
      const fetches = vi.spyOn(globalThis, 'fetch');
      bridge.reconnect();
      expect(fetches).not.toHaveBeenCalled();
      expect(bridge.connection).toBe('open');
    } finally {
      unsubscribe();
    }
  });
});
