// Ollama's routes on the scripted backend: NDJSON framing, stop text held back, statistics, the "load"
// request, and every refusal in Ollama's {"error": "..."} shape, on chosen text, the same on every CPU.
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedBackend } from '../../../backends/scripted/ScriptedBackend.js';
import { Script } from '../../../backends/scripted/ScriptFile.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import type { OllamaChatResponse, OllamaGenerateResponse } from '../../../wire/ollama.js';

const script = new Script({
  tokensPerSecond: 200,
  replies: [
    { when: 'poem', text: 'Roses are red,\nviolets are blue.' },
    { when: 'slow', text: 'one two three four five six seven eight nine ten', tokensPerSecond: 4 },
  ],
  default: 'Hello there, friend.',
});

let server: TestServer<ScriptedBackend>;
let busy: TestServer<ScriptedBackend>;
beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(script, 8) });
  busy = await startTestServer({ backend: new ScriptedBackend(script, 1), maxConcurrentRequests: 1 });
});
afterAll(async () => {
  await server?.stop();
  await busy?.stop();
});

const post = (path: string, body: unknown, on = server, signal?: AbortSignal) =>
  fetch(`${on.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

async function lines<T>(response: Response): Promise<T[]> {
  const text = await response.text();
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

const STATISTICS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const;

function expectStatistics(last: Record<string, unknown>): void {
  for (const field of STATISTICS) {
    expect(Number.isInteger(last[field]), field).toBe(true);
    expect(last[field] as number).toBeGreaterThanOrEqual(0);
  }
  expect(last.total_duration as number).toBeGreaterThanOrEqual((last.prompt_eval_duration as number) + (last.eval_duration as number));
}

describe('Ollama routes on the scripted backend', () => {
  it('streams /api/chat as NDJSON: the words, then done with the statistics in nanoseconds', async () => {
    const response = await post('/api/chat', { model: 'anything:7b', messages: [{ role: 'user', content: 'a poem please' }] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const objects = await lines<OllamaChatResponse>(response);
    const last = objects.at(-1)!;
    expect(objects.slice(0, -1).every((object) => object.done === false && object.message.role === 'assistant')).toBe(true);
    expect(objects.map((object) => object.message.content).join('')).toBe('Roses are red,\nviolets are blue.');
    expect(last).toMatchObject({ model: 'anything:7b', done: true, done_reason: 'stop', message: { role: 'assistant', content: '' }, eval_count: 8 });
    expect(Number.isNaN(Date.parse(last.created_at))).toBe(false);
    expectStatistics(last);
  });

  it('answers /api/generate whole with stream false, and holds back the stop text streamed or not', async () => {
    const whole = (await (await post('/api/generate', { model: 'm', prompt: 'poem', stream: false, options: { stop: ['violets'] } })).json()) as OllamaGenerateResponse;
    expect(whole).toMatchObject({ model: 'm', response: 'Roses are red,\n', done: true, done_reason: 'stop' });
    expectStatistics(whole);

    const streamed = await lines<OllamaGenerateResponse>(await post('/api/generate', { model: 'm', prompt: 'poem', options: { stop: 'red,\nvio' } }));
    expect(streamed.map((object) => object.response).join('')).toBe('Roses are ');
    expect(streamed.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('stops at num_predict with done_reason "length"', async () => {
    const whole = (await (await post('/api/chat', { model: 'm', messages: [{ role: 'user', content: 'poem' }], stream: false, options: { num_predict: 2 } })).json()) as OllamaChatResponse;
    expect(whole).toMatchObject({ message: { content: 'Roses are' }, done_reason: 'length', eval_count: 2 });
  });

  it('loads without generating when there is nothing to answer, as Ollama does', async () => {
    expect(await (await post('/api/chat', { model: 'm', messages: [] })).json()).toMatchObject({ done: true, done_reason: 'load', message: { content: '' } });
    expect(await (await post('/api/generate', { model: 'm' })).json()).toMatchObject({ done: true, done_reason: 'load', response: '' });
  });

  it('works with the npm ollama client unchanged, streamed and not', async () => {
    const ollama = new Ollama({ host: server.url });
    let text = '';
    for await (const part of await ollama.chat({ model: 'scripted', messages: [{ role: 'user', content: 'poem' }], stream: true })) text += part.message.content;
    expect(text).toBe('Roses are red,\nviolets are blue.');
    const generated = await ollama.generate({ model: 'scripted', prompt: 'hello', stream: false });
    expect(generated).toMatchObject({ response: 'Hello there, friend.', done: true });
  });

  it('ends a stream stopped in Brook with an error line the ollama client raises', async () => {
    const ollama = new Ollama({ host: server.url });
    const stream = await ollama.chat({ model: 'scripted', messages: [{ role: 'user', content: 'slow' }], stream: true });
    const parts: string[] = [];
    const reading = (async () => {
      for await (const part of stream) {
        parts.push(part.message.content);
        if (parts.length === 1) server.requests.cancel(server.requests.list().find((request) => request.state === 'generating')!.id);
      }
    })();
    await expect(reading).rejects.toThrow(/cancelled/);
    expect(parts.length).toBeGreaterThan(0);
  });
});

describe('Ollama routes in the pipeline', () => {
  it('frees the request when the client leaves mid-stream', async () => {
    const client = new AbortController();
    const response = await post('/api/chat', { model: 'm', messages: [{ role: 'user', content: 'slow' }] }, server, client.signal);
    const reader = response.body!.getReader();
    await reader.read();
    expect(server.backend.stats.inFlight).toBe(1);
    client.abort();
    await reader.cancel().catch(() => undefined);
    await expect.poll(() => server.backend.stats.inFlight, { timeout: 10_000 }).toBe(0);
  });

  it('embeds one text or several, on /api/embed and the older /api/embeddings', async () => {
    const one = (await (await post('/api/embed', { model: 'm', input: 'hello' })).json()) as { model: string; embeddings: number[][]; prompt_eval_count: number };
    expect(one).toMatchObject({ model: 'm', prompt_eval_count: 1 });
    expect(one.embeddings).toHaveLength(1);
    const two = (await (await post('/api/embed', { model: 'm', input: ['hello', 'there'] })).json()) as { embeddings: number[][] };
    expect(two.embeddings).toHaveLength(2);
    expect(two.embeddings[0]).toEqual(one.embeddings[0]);
    expect(two.embeddings[1]).not.toEqual(one.embeddings[0]);
    const older = (await (await post('/api/embeddings', { model: 'm', prompt: 'hello' })).json()) as { embedding: number[] };
    expect(older.embedding).toEqual(one.embeddings[0]);
  });

  it('lists every /api route in /openapi.json, under the Ollama tag', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, method] of [
      ['/api/chat', 'post'],
      ['/api/generate', 'post'],
      ['/api/tags', 'get'],
      ['/api/ps', 'get'],
      ['/api/show', 'post'],
      ['/api/version', 'get'],
      ['/api/embed', 'post'],
      ['/api/embeddings', 'post'],
    ] as const) {
      expect(document.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['Ollama']);
    }
  });
});

describe('Ollama errors', () => {
  const expectError = async (response: Response, status: number, message: RegExp) => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatch(message);
  };

  it('refuses what Brook does not honour with 400 saying what, never a silent 200', async () => {
    const chat = (extra: object) => post('/api/chat', { model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });
    await expectError(await post('/api/chat', { messages: [] }), 400, /`model` is required/);
    await expectError(await chat({ options: { mirostat: 2 } }), 400, /options\.mirostat.*not supported/);
    await expectError(await chat({ options: { num_thread: 4 } }), 400, /options\.num_thread.*when Brook starts/);
    await expectError(await chat({ options: { warp_speed: 9 } }), 400, /options\.warp_speed.*not an option Brook knows/);
    await expectError(await chat({ options: { num_ctx: 1_000_000 } }), 400, /num_ctx.*larger than Brook's context of 4096/);
    await expectError(await chat({ options: { num_predict: 0 } }), 400, /num_predict/);
    await expectError(await chat({ options: { temperature: -1 } }), 400, /temperature/);
    await expectError(await chat({ options: { min_p: 1 } }), 400, /`options\.min_p` must be >= 0\.0 and < 1\.0/);
    await expectError(await chat({ format: 'yaml' }), 400, /`format` must be "json" or a JSON schema/);
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
    await expectError(await chat({ format: 'json', tools }), 400, /`format` and `tools` cannot be used together/);
    await expectError(await post('/api/chat', { model: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'tool', content: '{}' }] }), 400, /messages\[1\]` is a tool result, but no earlier/);
    await expectError(await chat({ think: true }), 400, /does not think/);
    await expectError(await chat({ top_logprobs: 2 }), 400, /`top_logprobs` needs `logprobs: true`/);
    await expectError(await chat({ logprobs: true, top_logprobs: 9 }), 400, /`top_logprobs` must be >= 0 and <= 5/);
    await expectError(await post('/api/chat', { model: 'm', messages: [{ role: 'user', content: 'hi', images: ['iVBOR'] }] }), 400, /reads text only/);
    await expectError(await post('/api/generate', { model: 'm', prompt: 'x', suffix: 'y' }), 400, /suffix/);
    await expectError(await post('/api/embed', { model: 'm', input: 'x', dimensions: 3 }), 400, /`dimensions` must be 8/);
    await expectError(await post('/api/embed', { model: 'm' }), 400, /`input` is required/);
    // Options at the value that changes nothing are fine.
    expect((await chat({ stream: false, options: { min_p: 0, mirostat: 0, num_ctx: 2048, seed: -1 } })).status).toBe(200);
    expect((await chat({ stream: false, options: { min_p: 0.05 } })).status).toBe(200);
  });

  it("reads the body as JSON whatever its Content-Type, as Ollama does (its docs use curl -d, a form type)", async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const response = await fetch(`${server.url}/api/generate`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ model: 'm', prompt: 'hello', stream: false }) });
      expect(await response.json()).toMatchObject({ response: 'Hello there, friend.', done: true });
    }
    const latin1 = await fetch(`${server.url}/api/generate`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(latin1.status).toBe(400);
    // Elsewhere Brook still wants JSON declared as JSON.
    expect((await fetch(`${server.url}/generate`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"inputs": "hi"}' })).status).toBe(415);
  });

  it('answers unknown routes with 404, bad JSON with 400 and overload with 429, all in the same shape', async () => {
    await expectError(await post('/api/pull', { model: 'llama3' }), 404, /does not pull/);
    const bad = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": ' });
    await expectError(bad, 400, /not valid JSON/);

    const client = new AbortController();
    const running = await post('/api/chat', { model: 'm', messages: [{ role: 'user', content: 'slow' }] }, busy, client.signal);
    const reader = running.body!.getReader();
    await reader.read();
    try {
      await expectError(await post('/api/generate', { model: 'm', prompt: 'hi' }, busy), 429, /overloaded/);
    } finally {
      client.abort();
      await reader.cancel().catch(() => undefined);
    }
  });
});
