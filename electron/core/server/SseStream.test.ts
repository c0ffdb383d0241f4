// The SSE writer on a real socket; the clock is faked so 15 s of silence pass at once.
import { request } from 'node:http';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEEP_ALIVE_MS, SseStream } from './SseStream.js';

afterEach(() => {
  vi.useRealTimers();
});

async function openStream() {
  const app = Fastify();
  let stream: SseStream | undefined;
  app.get('/sse', (_request, reply) => {
    stream = SseStream.open(reply);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  let received = '';
  const response = await new Promise<{ status: number; type: string }>((resolve) => {
    request({ host: '127.0.0.1', port, path: '/sse' }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (received += chunk));
      resolve({ status: res.statusCode!, type: String(res.headers['content-type']) });
    }).end();
  });
  return { app, stream: stream!, response, received: () => received };
}

describe('SseStream', () => {
  it('writes data frames, then a comment line after 15 s of silence, and ends cleanly', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { app, stream, response, received } = await openStream();
    expect(response).toEqual({ status: 200, type: 'text/event-stream' });

    await stream.send({ a: 1 });
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
    await app.close();
  });
});
