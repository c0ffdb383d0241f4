// The SSE writer on a real socket; the clock is faked so 15 s of silence pass at once.
import { request } from 'node:http';
import { connect } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEEP_ALIVE_MS, SseStream, type SseStreamOptions } from './SseStream.js';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A server whose GET /sse opens a stream; `opened` gives that stream and its request's close. */
async function sseServer(options: SseStreamOptions = {}) {
  const app = Fastify({ forceCloseConnections: true });
  apps.push(app);
  let opened!: (value: { stream: SseStream; requestClosed: Promise<void> }) => void;
  const streamOpened = new Promise<{ stream: SseStream; requestClosed: Promise<void> }>((resolve) => (opened = resolve));
  app.get('/sse', (req, reply) => {
    const requestClosed = new Promise<void>((resolve) => req.raw.socket.once('close', () => resolve()));
    opened({ stream: SseStream.open(reply, options), requestClosed });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server.address() as { port: number }).port, streamOpened };
}

async function openStream() {
  const { port, streamOpened } = await sseServer();
  let received = '';
  const response = await new Promise<{ status: number; type: string }>((resolve) => {
    request({ host: '127.0.0.1', port, path: '/sse' }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (received += chunk));
      resolve({ status: res.statusCode!, type: String(res.headers['content-type']) });
    }).end();
  });
  return { stream: (await streamOpened).stream, response, received: () => received };
}

describe('SseStream', () => {
  it('writes data frames, then a comment line after 15 s of silence, and ends cleanly', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { stream, response, received } = await openStream();
    expect(response).toEqual({ status: 200, type: 'text/event-stream' });

    expect(await stream.send({ a: 1 })).toBe(true);
    await vi.waitFor(() => expect(received()).toBe('data: {"a":1}\n\n'));
    vi.advanceTimersByTime(KEEP_ALIVE_MS - 5_001);
    await stream.send('x');
    vi.advanceTimersByTime(KEEP_ALIVE_MS - 1);
    // Silence shorter than 15 s since the last frame: no comment yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(received()).toBe('data: {"a":1}\n\ndata: x\n\n');
    vi.advanceTimersByTime(5_001);
    await vi.waitFor(() => expect(received()).toBe('data: {"a":1}\n\ndata: x\n\n:\n\n'));

    stream.end();
    await stream.closed;
    expect(await stream.send('late')).toBe(false);
  });

  it('honours "Connection: close": the socket closes as the stream ends, so a client reading until close is done', async () => {
    const { port, streamOpened } = await sseServer();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.write(`GET /sse HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    const { stream } = await streamOpened;
    await stream.send({ last: true });
    stream.end();
    // Before the fix the server kept the socket open for its keep-alive timeout (72 s): this await hung.
    await ended;
    socket.destroy();
    expect(received).toMatch(/^connection: close\r$/im);
    expect(received).toContain('data: {"last":true}');
  });

  it('keeps the connection alive for a client that allows it', async () => {
    const { port, streamOpened } = await sseServer();
    const headers = new Promise<string | undefined>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/sse' }, (res) => {
        res.resume();
        resolve(res.headers.connection);
      }).end();
    });
    const { stream } = await streamOpened;
    expect(await headers).toBe('keep-alive');
    stream.end();
  });

  it('gives up on a client that stops reading: send resolves false and the socket is closed', async () => {
    const { port, streamOpened } = await sseServer({ drainTimeoutMs: 200 });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`GET /sse HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    // The client reads nothing from here on.
    socket.pause();
    const { stream, requestClosed } = await streamOpened;
    const chunk = 'x'.repeat(1 << 20);
    let sent = 0;
    // Fills the kernel's buffers; then the socket stays full and the stream gives up.
    while (await stream.send(chunk)) sent++;
    expect(sent).toBeGreaterThan(0);
    // The request's socket closes, so the request's AbortSignal (requestSignal) cancels its generation.
    await requestClosed;
    expect(await stream.send('after')).toBe(false);
    socket.destroy();
  });

  it('makes every send waiting on a full socket share one wait (no listener pile-up)', async () => {
    const { port, streamOpened } = await sseServer({ drainTimeoutMs: 60_000 });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`GET /sse HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    socket.pause();
    const { stream } = await streamOpened;
    const raw = (stream as unknown as { raw: import('node:http').ServerResponse }).raw;
    const chunk = 'x'.repeat(1 << 20);
    // Write without waiting, as a broadcast does, until the socket is full.
    const pending: Promise<boolean>[] = [];
    while (raw.writableLength < 64 << 20 && pending.length < 200) pending.push(stream.send(chunk));
    for (let i = 0; i < 50; i++) pending.push(stream.send(chunk));
    expect(raw.listenerCount('drain')).toBeLessThanOrEqual(2);
    socket.resume();
    socket.on('data', () => undefined);
    expect((await Promise.all(pending)).every(Boolean)).toBe(true);
    stream.end();
    socket.destroy();
  });
});
