// The scripted backend, and the routes on it: framing and stop rules with chosen text, the same on every CPU.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../../testing/readSse.js';
import { startTestServer, type TestServer } from '../../testing/startTestServer.js';
import type { StreamResponse } from '../../wire/tgi.js';
import { ScriptedBackend } from './ScriptedBackend.js';
import { Script, ScriptFile } from './ScriptFile.js';

const script = new Script({
  tokensPerSecond: 200,
  replies: [
    { when: 'poem', text: 'Roses are red,\nviolets are blue.' },
    { when: 'slow', text: 'one two three four five six seven eight nine ten', tokensPerSecond: 5 },
  ],
  default: 'Hello there, friend.',
});

let server: TestServer<ScriptedBackend>;
beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(script, 8) });
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

describe('ScriptFile', () => {
  it('explains a script that is not JSON or not of the expected shape', () => {
    expect(() => ScriptFile.parse('{', 'a.json')).toThrow(/a\.json is not valid JSON/);
    expect(() => ScriptFile.parse('{"replies": [{"text": "x"}]}', 'b.json')).toThrow(/b\.json does not have the expected shape/);
  });

  it('picks the first reply whose trigger the message contains, else the default', () => {
    expect(script.replyTo('write a poem').text).toMatch(/^Roses/);
    expect(script.replyTo('anything').text).toBe('Hello there, friend.');
  });
});

describe('routes on the scripted backend', () => {
  it('streams the script word by word on /generate_stream, newlines and the end-of-turn token included', async () => {
    const { events } = await readSse(await post('/generate_stream', { inputs: 'a poem please', parameters: { details: true } }));
    const frames = events.map((event) => JSON.parse(event.data) as StreamResponse);
    expect(frames.map((frame) => frame.token.text)).toEqual(['Roses', ' are', ' red,', '\n', 'violets', ' are', ' blue.', '<|im_end|>']);
    expect(frames.at(-1)).toMatchObject({ token: { special: true }, generated_text: 'Roses are red,\nviolets are blue.', details: { finish_reason: 'eos_token', generated_tokens: 8 } });
  });

  it("keeps TGI's stop sequence in the text and drops OpenAI's, streamed and not", async () => {
    const tgi = (await (await post('/generate', { inputs: 'poem', parameters: { stop: ['violets'], details: true } })).json()) as { generated_text: string; details: { finish_reason: string } };
    expect(tgi).toMatchObject({ generated_text: 'Roses are red,\nviolets', details: { finish_reason: 'stop_sequence' } });

    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const whole = await openai.completions.create({ model: 'scripted', prompt: 'poem', stop: ['red'] });
    expect(whole.choices[0]).toMatchObject({ text: 'Roses are ', finish_reason: 'stop' });
    let streamed = '';
    for await (const chunk of await openai.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'poem' }], stop: ['\nviolets'], stream: true })) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(streamed).toBe('Roses are red,');
  });

  it('stops within one token when the client leaves, and counts max_new_tokens', async () => {
    const client = new AbortController();
    const response = await post('/generate_stream', { inputs: 'slow' }, client.signal);
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await expect.poll(() => server.backend.stats.inFlight, { timeout: 5_000 }).toBe(0);
    expect(server.requests.list().at(-1)).toMatchObject({ state: 'cancelled', error: 'client disconnected' });

    const short = (await (await post('/generate', { inputs: 'x', parameters: { max_new_tokens: 2, details: true } })).json()) as { generated_text: string; details: { finish_reason: string } };
    expect(short).toMatchObject({ generated_text: 'Hello there,', details: { finish_reason: 'length' } });
  });
});
