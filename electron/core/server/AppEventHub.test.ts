// The window's event broadcast on real sockets: readers that stop reading are dropped, not buffered for.
import { connect, type Socket } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppEventHub } from './AppEventHub.js';
import type { AppEvent } from './appEvents.js';
import { SseStream } from './SseStream.js';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function hubServer(hub: AppEventHub) {
  const app = Fastify({ forceCloseConnections: true });
  app.get('/app/events', (_request, reply) => {
    hub.add(SseStream.open(reply), [{ type: 'requests', requests: [] }]);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close(), () => hub.close());
  return (app.server.address() as { port: number }).port;
}

/** A raw client of /app/events; `paused` ones never read a byte after the request. */
function reader(port: number, paused: boolean) {
  const socket: Socket = connect(port, '127.0.0.1');
  cleanup.push(() => void socket.destroy());
  socket.on('error', () => undefined);
  let frames = 0;
  let tail = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`GET /app/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    // The tail is shorter than "data: ", so a marker split across chunks counts once and none counts twice.
    const text = tail + chunk;
    frames += text.split('data: ').length - 1;
    tail = text.slice(-5);
  });
  if (paused) socket.pause();
  return { socket, closed, frames: () => frames };
}

/** An event of about `bytes` bytes (the hub does not look inside). */
const bigEvent = (bytes: number) => ({ type: 'requests', requests: [], padding: 'x'.repeat(bytes) }) as unknown as AppEvent;

describe('AppEventHub', () => {
  it('disconnects readers that stop reading, keeps the one that reads, and adds no listeners per event', async () => {
    const hub = new AppEventHub({ maxBufferedBytes: 1024 * 1024 });
    const port = await hubServer(hub);
    const stalled = [reader(port, true), reader(port, true), reader(port, true)];
    const live = reader(port, false);
    await vi.waitFor(() => expect(hub.size).toBe(4), { timeout: 30_000 });
    await vi.waitFor(() => expect(live.frames()).toBe(1), { timeout: 30_000 });

    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    cleanup.push(() => void process.off('warning', onWarning));

    // Enough to fill each stalled reader's kernel buffers, then its bound (at most 200 MB in all).
    for (let sent = 1; sent <= 400 && hub.size > 1; sent++) {
      hub.broadcast(bigEvent(512 * 1024));
      await vi.waitFor(() => expect(live.frames()).toBe(1 + sent), { timeout: 30_000 });
    }
    expect(hub.size).toBe(1);
    // Reading now, each dropped reader gets what was in flight, then the end of its connection.
    for (const client of stalled) client.socket.resume();
    await Promise.all(stalled.map((client) => client.closed));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);

    hub.broadcast({ type: 'requests', requests: [] });
    const before = live.frames();
    await vi.waitFor(() => expect(live.frames()).toBe(before + 1), { timeout: 30_000 });
  });

  it('forgets readers that go away, and ends every stream on close', async () => {
    const hub = new AppEventHub();
    const port = await hubServer(hub);
    const leaving = reader(port, false);
    const staying = reader(port, false);
    await vi.waitFor(() => expect(hub.size).toBe(2), { timeout: 30_000 });
    leaving.socket.destroy();
    await vi.waitFor(() => expect(hub.size).toBe(1), { timeout: 30_000 });
    const ended = new Promise<void>((resolve) => staying.socket.on('data', (chunk: string) => chunk.endsWith('0\r\n\r\n') && resolve()));
    hub.close();
    // The last chunk of a chunked response: the stream ended.
    await ended;
    expect(hub.size).toBe(0);
  });
});
