// The TGI routes against the real model over real sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../../../testing/readSse.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import type { StreamResponse } from '../../../wire/tgi.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
// Each test's generations end with it, even when it timed out.
afterEach(() => server?.settle());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function stream(body: unknown, path = '/generate_stream') {
  const sentAt = performance.now();
  const response = await post(path, body);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const { events, raw } = await readSse(response, sentAt);
  return { frames: events.map((event) => JSON.parse(event.data) as StreamResponse), events, raw };
}

describe('POST /generate_stream', () => {
  it('sends one well-formed frame per token as it is generated, the last one with the text and details', async () => {
    const { frames, events, raw } = await stream({ inputs: 'Once upon a time', parameters: { max_new_tokens: 60, details: true } });

    // Exactly `data: <compact JSON>\n\n` per event, nothing else (no [DONE] on TGI routes).
    expect(raw).toMatch(/^(data: \{[^\n]*\}\n\n)+$/);
    expect(raw).not.toContain('[DONE]');
    expect(frames).toHaveLength(60);
    frames.forEach((frame, i) => {
      expect(Object.keys(frame)).toEqual(['index', 'token', 'generated_text', 'details']);
      expect(frame.index).toBe(i + 1);
      expect(Object.keys(frame.token)).toEqual(['id', 'text', 'logprob', 'special']);
      expect(frame.token.logprob).toBeLessThanOrEqual(0);
      if (i < frames.length - 1) expect([frame.generated_text, frame.details]).toEqual([null, null]);
    });
    const last = frames.at(-1)!;
    expect(last.details).toEqual({ finish_reason: 'length', generated_tokens: 60, seed: null, input_length: 4 });
    expect(last.generated_text).toBe(frames.map((frame) => frame.token.text).join(''));

    // Streamed, not buffered: the first token arrives long before the last.
    const first = events[0]!.at;
    const lastAt = events.at(-1)!.at;
    expect(first).toBeLessThan(lastAt / 3);
    const distinctArrivals = new Set(events.map((event) => Math.round(event.at / 5))).size;
    expect(distinctArrivals).toBeGreaterThan(30);
  });

  it('counts special tokens but leaves them out of generated_text', async () => {
    const { frames } = await stream({
      inputs: '<|im_start|>user\nSay hi<|im_end|>\n<|im_start|>assistant\n',
      parameters: { max_new_tokens: 200, details: true },
    });
    const last = frames.at(-1)!;
    expect(last.details!.finish_reason).toBe('eos_token');
    expect(last.token).toMatchObject({ special: true, text: '<|im_end|>' });
    expect(last.details!.generated_tokens).toBe(frames.length);
    expect(last.generated_text).toBe(frames.filter((frame) => !frame.token.special).map((frame) => frame.token.text).join(''));
  });

  it('gives the same text for the same seed, and reports the seed', async () => {
    const body = { inputs: 'My favourite colour is', parameters: { max_new_tokens: 25, do_sample: true, temperature: 0.9, seed: 1234, details: true } };
    const a = await stream(body);
    const b = await stream(body);
    expect(a.frames.at(-1)!.generated_text).toBe(b.frames.at(-1)!.generated_text);
    expect(a.frames.at(-1)!.details!.seed).toBe(1234);
    const random = await stream({ ...body, parameters: { ...body.parameters, seed: undefined } });
    expect(random.frames.at(-1)!.details!.seed).toEqual(expect.any(Number));
  });

  it('stops at a stop sequence and keeps it in the text, as TGI does', async () => {
    const greedy = await stream({ inputs: 'The capital of France is', parameters: { max_new_tokens: 20 } });
    const text = greedy.frames.at(-1)!.generated_text!;
    const stop = text.trim().split(/\s+/)[1]!;
    const { frames } = await stream({ inputs: 'The capital of France is', parameters: { max_new_tokens: 20, stop: ['never appears', stop], details: true } });
    const last = frames.at(-1)!;
    expect(last.details!.finish_reason).toBe('stop_sequence');
    expect(last.generated_text!.endsWith(stop)).toBe(true);
    expect(text.startsWith(last.generated_text!)).toBe(true);
  });

  it('returns the top alternatives per token when top_n_tokens is set', async () => {
    const { frames } = await stream({ inputs: 'Hello', parameters: { max_new_tokens: 3, top_n_tokens: 3 } });
    for (const frame of frames) {
      expect(Object.keys(frame)).toEqual(['index', 'token', 'top_tokens', 'generated_text', 'details']);
      expect(frame.top_tokens).toHaveLength(3);
      expect(frame.top_tokens![0]!.logprob).toBeGreaterThanOrEqual(frame.top_tokens![2]!.logprob!);
    }
  });

  it('decodes multi-byte characters whole and keeps leading spaces', async () => {
    const { frames } = await stream({ inputs: 'Emoji: 🎉🎉🎉🎉 Crème brûlée, crème brûlée,', parameters: { max_new_tokens: 30 } });
    const text = frames.at(-1)!.generated_text!;
    expect(text).not.toContain('\uFFFD');
    expect(frames.map((frame) => frame.token.text).join('')).toBe(text);
  });
});

describe('POST / and POST /generate', () => {
  it('POST / with stream: true streams like /generate_stream', async () => {
    const body = { inputs: 'The sky is', parameters: { max_new_tokens: 8 } };
    const compat = await stream({ ...body, stream: true }, '/');
    const native = await stream(body);
    expect(compat.frames).toEqual(native.frames);
  });

  it('POST / without stream answers an array; /generate an object with details and timing headers', async () => {
    const body = { inputs: 'The sky is', parameters: { max_new_tokens: 8, details: true, top_n_tokens: 2 } };
    const compat = await post('/', body);
    expect(compat.status).toBe(200);
    const [fromCompat] = (await compat.json()) as { generated_text: string }[];
    const response = await post('/generate', body);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('x-generated-tokens'))).toBe(8);
    expect(Number(response.headers.get('x-prompt-tokens'))).toBe(3);
    expect(response.headers.get('x-compute-type')).toBeTruthy();
    const result = (await response.json()) as { generated_text: string; details: { tokens: { text: string }[]; finish_reason: string; top_tokens: unknown[] } };
    expect(result.generated_text).toBe(fromCompat!.generated_text);
    expect(result.details.finish_reason).toBe('length');
    expect(result.details.tokens.map((token) => token.text).join('')).toBe(result.generated_text);
    expect(result.details.top_tokens).toHaveLength(8);
  });

  it('return_full_text prepends the prompt', async () => {
    const response = await post('/generate', { inputs: 'The sky is', parameters: { max_new_tokens: 4, return_full_text: true } });
    expect(((await response.json()) as { generated_text: string }).generated_text.startsWith('The sky is')).toBe(true);
  });

  it('takes min_p (Brook/llama.cpp extension): it samples, and near 1 it keeps only the likeliest token', async () => {
    const generate = async (parameters: object) => {
      const response = await post('/generate', { inputs: 'The capital of France is', parameters: { max_new_tokens: 8, details: true, ...parameters } });
      expect(response.status).toBe(200);
      return (await response.json()) as { generated_text: string; details: { seed: number | null } };
    };
    const greedy = await generate({});
    expect(greedy.details.seed).toBeNull();
    // min_p 0.99 at temperature 1 leaves only tokens as likely as the best: the greedy text, whatever the seed.
    const narrow = await generate({ min_p: 0.99, seed: 5 });
    expect(narrow.details.seed).toBe(5);
    expect(narrow.generated_text).toBe(greedy.generated_text);
  });

  it('max_new_tokens bounds the reply exactly', async () => {
    const response = await post('/generate', { inputs: 'Count: one, two,', parameters: { max_new_tokens: 5, details: true } });
    const { details } = (await response.json()) as { details: { generated_tokens: number; finish_reason: string } };
    expect(details).toMatchObject({ generated_tokens: 5, finish_reason: 'length' });
  });
});

describe('validation (422, TGI messages), before any event is sent', () => {
  const cases: [string, unknown, string][] = [
    ['temperature 0', { temperature: 0 }, '`temperature` must be strictly positive'],
    ['negative temperature', { temperature: -1 }, '`temperature` must be strictly positive'],
    ['top_p 1', { top_p: 1 }, '`top_p` must be > 0.0 and < 1.0'],
    ['top_p 0', { top_p: 0 }, '`top_p` must be > 0.0 and < 1.0'],
    ['top_k 0', { top_k: 0 }, '`top_k` must be strictly positive'],
    ['typical_p 1', { typical_p: 1 }, '`typical_p` must be > 0.0 and < 1.0'],
    ['repetition_penalty 0', { repetition_penalty: 0 }, '`repetition_penalty` must be strictly positive'],
    ['min_p 1', { min_p: 1 }, '`min_p` must be >= 0.0 and < 1.0'],
    ['negative min_p', { min_p: -0.1 }, '`min_p` must be >= 0.0 and < 1.0'],
    ['frequency_penalty 3', { frequency_penalty: 3 }, '`frequency_penalty` must be >= -2.0 and <= 2.0'],
    ['max_new_tokens 0', { max_new_tokens: 0 }, '`max_new_tokens` must be strictly positive'],
    ['five stop sequences', { stop: ['a', 'b', 'c', 'd', 'e'] }, '`stop` supports up to 4 stop sequences'],
    ['top_n_tokens 6', { top_n_tokens: 6 }, '`top_n_tokens` must be >= 0 and <= 5'],
    ['best_of 2', { best_of: 2 }, '`best_of` must be 1'],
    ['truncate 0', { truncate: 0 }, '`truncate` must be strictly positive'],
    ['a string where a number goes', { temperature: '0.5' }, '`parameters.temperature` must be number'],
    ['too many new tokens', { max_new_tokens: 5000 }, '`inputs` tokens + `max_new_tokens` must be <= 2048. Given: 1 `inputs` tokens and 5000 `max_new_tokens`'],
  ];
  it.each(cases)('%s', async (_name, parameters, message) => {
    for (const path of ['/generate_stream', '/generate', '/']) {
      const response = await post(path, { inputs: 'Hi', parameters, stream: true });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = (await response.json()) as { error: string; error_type: string };
      expect(body.error_type).toBe('validation');
      expect(body.error).toContain(message);
      expect(body.error.startsWith('Input validation error: ')).toBe(true);
    }
  });

  it('empty inputs, missing inputs', async () => {
    expect(await (await post('/generate', { inputs: '' })).json()).toEqual({ error: 'Input validation error: `inputs` cannot be empty', error_type: 'validation' });
    const missing = await post('/generate', { parameters: {} });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { error: string }).error).toContain('`inputs` is required');
  });

  it('null means not set, unknown fields are ignored', async () => {
    const response = await post('/generate', { inputs: 'Hi', whatever: 1, parameters: { max_new_tokens: 2, temperature: null, top_p: null, seed: null, stop: null, adapter_id: 'x' } });
    expect(response.status).toBe(200);
  });

  it('a prompt longer than the context', async () => {
    const response = await post('/generate_stream', { inputs: 'word '.repeat(3000), parameters: { max_new_tokens: 1 } });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toMatch(/`inputs` must have less than 2048 tokens/);
  });

  it('malformed JSON, wrong content type, empty body and oversized bodies get clear JSON errors', async () => {
    const malformed = await fetch(`${server.url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": "Hi",' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error_type: 'validation', error: expect.stringContaining('not valid JSON') });

    const wrongType = await fetch(`${server.url}/generate`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Hi' });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error_type: 'unsupported_media_type', error: expect.stringContaining('application/json') });

    const empty = await fetch(`${server.url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error_type: 'validation' });

    const huge = await post('/generate', { inputs: 'x'.repeat(3 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error_type: 'payload_too_large', error: expect.stringContaining('2 MB') });

    const unknown = await fetch(`${server.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_type: 'not_found' });
  });
});

describe('GET /info, /health, /openapi.json and POST /tokenize', () => {
  it('/info reports the model and limits', async () => {
    const info = (await (await fetch(`${server.url}/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ model_id: 'SmolLM2-135M-Instruct.Q4_1', max_total_tokens: 2048, max_input_tokens: 2047, max_stop_sequences: 4, max_concurrent_requests: 128 });
  });

  it('/health is 200 when the model is ready', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('/tokenize returns ids with character offsets', async () => {
    const tokens = (await (await post('/tokenize', { inputs: 'Hello world' })).json()) as { id: number; text: string; start: number; stop: number }[];
    expect(tokens.map((token) => token.text)).toEqual(['Hello', ' world']);
    expect(tokens[1]).toMatchObject({ start: 5, stop: 11 });
  });

  it('/openapi.json documents the routes with their schemas', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(document.openapi).toBe('3.1.0');
    for (const path of ['/generate', '/generate_stream', '/', '/tokenize', '/info', '/health']) expect(document.paths[path]).toBeDefined();
    expect(JSON.stringify(document.paths['/generate_stream']!.post!.requestBody)).toContain('top_n_tokens');
    expect(JSON.stringify(document)).toMatch(/"min_p":\{[^}]*Brook\/llama\.cpp extension/);
  });
});

describe('closing the server', () => {
  it('ends open streams with an error event and fails open non-streamed requests with 500, then stops', async () => {
    const own = await startTestServer({ parallel: 2 });
    const body = JSON.stringify({ inputs: 'Once upon a time', parameters: { max_new_tokens: 1000 } });
    const headers = { 'content-type': 'application/json' };
    const streamed = await fetch(`${own.url}/generate_stream`, { method: 'POST', headers, body });
    const pending = fetch(`${own.url}/generate`, { method: 'POST', headers, body });
    const reading = readSse(streamed);
    await expect.poll(() => own.backend.stats.running).toBe(2);
    await own.stop();
    const { events } = await reading;
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ error: 'Generation stopped before the end: Brook is shutting down', error_type: 'incomplete_generation' });
    const response = await pending;
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error_type: 'incomplete_generation' });
  });
});
