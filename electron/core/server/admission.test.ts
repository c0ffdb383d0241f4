// Admission over HTTP: the overload limit, and a client that disconnects freeing its place at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../testing/readSse.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxConcurrentRequests: 1, parallel: 1 });
});
afterAll(async () => {
  await server?.stop();
});
// Each test's generations end with it, even when it timed out.
afterEach(() => server?.settle());

const generate = (path: string, signal?: AbortSignal, maxNewTokens = 400) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: 'Once upon a time', parameters: { max_new_tokens: maxNewTokens } }),
    signal,
  });

describe('--max-concurrent-requests 1', () => {
  it('refuses one more request with 429 overloaded while a stream runs, on every generation route', async () => {
    const client = new AbortController();
    const running = await generate('/generate_stream', client.signal);
    expect(running.status).toBe(200);
    // Wait for the first token so the stream is certainly generating.
    await readSse(running, performance.now(), () => false);

    for (const path of ['/generate_stream', '/generate', '/']) {
      const refused = await generate(path);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ error: 'Model is overloaded', error_type: 'overloaded' });
    }
    // Tokenizing is admitted like a generation: it runs on the same model and the same thread.
    const tokenize = await fetch(`${server.url}/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: 'Hello' }) });
    expect(tokenize.status).toBe(429);
    client.abort();
    // Within one token once the socket closes; generous for a loaded 2-core machine.
    await expect.poll(() => server.backend.stats.inFlight, { timeout: 20_000 }).toBe(0);
  });

  it('a client that disconnects mid-stream frees its place: the next request is admitted at once', async () => {
    const client = new AbortController();
    const running = await generate('/generate_stream', client.signal);
    expect(running.status).toBe(200);
    const { events } = await readSse(running, performance.now(), (event) => (JSON.parse(event.data) as { index: number }).index < 3);
    expect(events.length).toBe(3);
    expect((await generate('/generate', undefined, 2)).status).toBe(429);
    client.abort();

    // "At once": within one token's time plus the socket close; polled for up to 20 s for slow, loaded machines.
    const deadline = performance.now() + 20_000;
    let status = 0;
    while (performance.now() < deadline) {
      const next = await generate('/generate', undefined, 2);
      status = next.status;
      await next.arrayBuffer();
      if (status === 200) break;
    }
    expect(status).toBe(200);
  });

  it('refuses a prompt too long to fit by its length in characters, before the tokenizer spends seconds on it', async () => {
    // 1.9 MB: under the body limit. Tokenizing it took 5 s on the main thread and stalled every stream.
    const huge = 'lorem ipsum '.repeat(160_000);
    for (const path of ['/tokenize', '/generate']) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: huge }) });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: string; error_type: string };
      expect(body.error_type).toBe('validation');
      expect(body.error).toMatch(/has 1920000 characters, more than the \d+ that can fit in the model's \d+-token context/);
    }
    const fits = await fetch(`${server.url}/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: 'lorem ipsum '.repeat(100) }) });
    expect(fits.status).toBe(200);
    expect(((await fits.json()) as unknown[]).length).toBeGreaterThan(100);
  });
});
