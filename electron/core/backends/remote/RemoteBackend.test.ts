// Brook in front of another server: a second Brook speaking TGI, and llama.cpp's own llama-server speaking
// OpenAI (built from the llama.cpp source node-llama-cpp ships; skipped with the reason where it cannot be
// built). Greedy output through Brook equals the upstream's own; Stop reaches the upstream; errors keep status.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLlamaServer, startLlamaServer, type RunningLlamaServer } from '../../../../scripts/llamaServer.js';
import { bundledModelPath } from '../../bundledModel.js';
import { readSse } from '../../testing/readSse.js';
import { startTestServer, type TestServer } from '../../testing/startTestServer.js';
import type { StreamResponse } from '../../wire/tgi.js';
import { RemoteBackend } from './RemoteBackend.js';

const post = (url: string, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

async function streamTokens(url: string, body: unknown): Promise<{ ids: number[]; text: string; last: StreamResponse }> {
  const { events } = await readSse(await post(url, '/generate_stream', body));
  const frames = events.map((event) => JSON.parse(event.data) as StreamResponse);
  return { ids: frames.map((frame) => frame.token.id), text: frames.at(-1)!.generated_text!, last: frames.at(-1)! };
}

async function remoteServer(url: string, protocol: 'auto' | 'tgi' | 'openai' = 'auto'): Promise<TestServer<RemoteBackend>> {
  const backend = new RemoteBackend({ url, protocol, apiKey: null, maxConcurrentRequests: 8 });
  await backend.connect();
  return startTestServer({ backend });
}

describe('RemoteBackend in front of another Brook (TGI)', { timeout: 240_000 }, () => {
  let upstream: TestServer;
  let front: TestServer<RemoteBackend>;

  beforeAll(async () => {
    // One sequence and one request at a time upstream: a second request gets the upstream's own 429.
    upstream = await startTestServer({ parallel: 1, maxConcurrentRequests: 1 });
    front = await remoteServer(upstream.url);
  });
  afterAll(async () => {
    await front?.stop();
    await upstream?.stop();
  });

  it('detects TGI and describes the upstream model at /info and /v1/models', async () => {
    expect(front.backend.info()).toMatchObject({ backend: 'remote', protocol: 'tgi', id: upstream.backend.info().id, path: upstream.url });
    const info = (await (await fetch(`${front.url}/info`)).json()) as { model_id: string; max_total_tokens: number };
    expect(info).toMatchObject({ model_id: upstream.backend.info().id, max_total_tokens: upstream.backend.info().contextSize });
    const models = (await (await fetch(`${front.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe(upstream.backend.info().id);
    expect((await fetch(`${front.url}/health`)).status).toBe(200);
  });

  it('streams the same greedy tokens as the upstream gives itself, token by token', async () => {
    const body = { inputs: 'The capital of France is', parameters: { max_new_tokens: 12, details: true } };
    const direct = await streamTokens(upstream.url, body);
    const through = await streamTokens(front.url, body);
    expect(through.ids).toEqual(direct.ids);
    expect(through.text).toBe(direct.text);
    expect(through.last.details).toMatchObject({ finish_reason: direct.last.details!.finish_reason, generated_tokens: direct.ids.length, input_length: direct.last.details!.input_length });
  });

  it('serves OpenAI chat through the upstream, with the same greedy reply', async () => {
    const request = { model: 'x', messages: [{ role: 'user' as const, content: 'Say hello.' }], max_tokens: 10, temperature: 0 };
    const direct = await new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create(request);
    const through = await new OpenAI({ baseURL: `${front.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create(request);
    expect(through.choices[0]!.message.content).toBe(direct.choices[0]!.message.content);
    expect(through.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("keeps the upstream's 429 overloaded, and Stop mid-stream frees the upstream's slot", async () => {
    const client = new AbortController();
    const running = await post(front.url, '/generate_stream', { inputs: 'Once upon a time', parameters: { max_new_tokens: 1500 } }, client.signal);
    expect(running.status).toBe(200);
    const reader = running.body!.getReader();
    await reader.read();
    // The upstream is busy with it: its own limit answers, and Brook passes the answer on as is.
    const refused = await post(front.url, '/generate', { inputs: 'Hi', parameters: { max_new_tokens: 2 } });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: 'Model is overloaded', error_type: 'overloaded' });

    client.abort();
    // The upstream saw the disconnect: its request ends as cancelled and its slot is free.
    await expect.poll(() => upstream.backend.stats.inFlight, { timeout: 30_000 }).toBe(0);
    // (Brook streams every request from a TGI upstream, so the refused one is listed there as a stream too.)
    const stopped = upstream.requests.list().filter((request) => request.route === '/generate_stream' && request.state !== 'error').at(-1);
    expect(stopped).toMatchObject({ state: 'cancelled', error: 'client disconnected' });
    expect((await post(front.url, '/generate', { inputs: 'Hi', parameters: { max_new_tokens: 2 } })).status).toBe(200);
  });
});

describe('RemoteBackend when the upstream cannot be reached', () => {
  it('refuses to connect with a 502 that names the server, and a server in front of it says so on every route', async () => {
    const backend = new RemoteBackend({ url: 'http://127.0.0.1:9', protocol: 'auto', apiKey: null, maxConcurrentRequests: 1 });
    await expect(backend.connect()).rejects.toMatchObject({ status: 502, errorType: 'upstream_unavailable', message: expect.stringMatching(/could not reach the remote server at http:\/\/127\.0\.0\.1:9/) });
    const front = await startTestServer({ backend });
    try {
      const health = await fetch(`${front.url}/health`);
      expect(health.status).toBe(424);
      const generate = await post(front.url, '/generate', { inputs: 'Hi' });
      expect(generate.status).toBe(424);
      expect(((await generate.json()) as { error: string }).error).toMatch(/could not reach the remote server/);
    } finally {
      await front.stop();
    }
  });
});

const built = await ensureLlamaServer();
const skipReason = 'skipped' in built ? built.skipped : null;
if (skipReason) console.warn(`[RemoteBackend.test] llama-server tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)("RemoteBackend in front of llama.cpp's llama-server (OpenAI)", { timeout: 240_000 }, () => {
  let llama: RunningLlamaServer;
  let front: TestServer<RemoteBackend>;

  beforeAll(async () => {
    llama = await startLlamaServer({ modelPath: bundledModelPath(), threads: 1, parallel: 1, ctxSize: 2048 });
    front = await remoteServer(llama.url);
  }, 180_000);
  afterAll(async () => {
    await front?.stop();
    await llama?.stop();
  });

  it('detects OpenAI and the context llama-server serves', () => {
    expect(front.backend.info()).toMatchObject({ backend: 'remote', protocol: 'openai', contextSize: 2048 });
  });

  it("gives llama-server's own greedy completion on /v1/completions and streams it on TGI's /generate_stream", async () => {
    const prompt = 'The capital of France is';
    const direct = (await (await post(llama.url, '/v1/completions', { prompt, max_tokens: 12, temperature: 0 })).json()) as { choices: { text: string }[] };
    const through = (await (await post(front.url, '/v1/completions', { prompt, max_tokens: 12, temperature: 0 })).json()) as { choices: { text: string; finish_reason: string }[] };
    expect(through.choices[0]!.text).toBe(direct.choices[0]!.text);

    const streamed = await streamTokens(front.url, { inputs: prompt, parameters: { max_new_tokens: 12, details: true } });
    expect(streamed.text).toBe(direct.choices[0]!.text);
    expect(streamed.ids.length).toBeGreaterThan(1);
    expect(streamed.last.details).toMatchObject({ finish_reason: 'length', generated_tokens: 12 });
    expect(streamed.last.details!.input_length).toBeGreaterThan(0);
  });

  it('Stop mid-stream ends the upstream request: its slot takes the next one at once', async () => {
    const client = new AbortController();
    const running = await post(front.url, '/generate_stream', { inputs: 'Once upon a time', parameters: { max_new_tokens: 1500 } }, client.signal);
    const reader = running.body!.getReader();
    await reader.read();
    client.abort();
    await expect.poll(() => front.backend.stats.inFlight, { timeout: 30_000 }).toBe(0);
    // llama-server has one slot: the next request only runs if the stopped one let go of it.
    const next = await post(front.url, '/generate', { inputs: 'Hi', parameters: { max_new_tokens: 3 } });
    expect(next.status).toBe(200);
    const slots = (await (await fetch(`${llama.url}/slots`)).json().catch(() => null)) as { is_processing: boolean }[] | null;
    if (slots) expect(slots.every((slot) => !slot.is_processing)).toBe(true);
  });
});
