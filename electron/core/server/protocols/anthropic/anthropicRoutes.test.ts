// /v1/messages framing on the scripted backend (chosen text, fast): the event sequence and names, stop
// sequences, the whole Message, count_tokens, x-api-key, and every refusal in Anthropic's error shape.
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Script } from '../../../backends/scripted/ScriptFile.js';
import { ScriptedBackend } from '../../../backends/scripted/ScriptedBackend.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import type { AnthropicErrorResponse, AnthropicMessage } from '../../../wire/anthropic.js';

const KEY = 'anthropic-test-key';
const script = new Script({
  tokensPerSecond: 1000,
  replies: [
    { when: 'count', text: 'One, two, three. STOP here and never again.' },
    { when: 'slowly', text: 'one two three four five six seven eight nine ten eleven twelve', tokensPerSecond: 5 },
  ],
  default: 'Hello from the script.',
});

let server: TestServer<ScriptedBackend>;
let keyed: TestServer<ScriptedBackend>;
beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(script, 8) });
  keyed = await startTestServer({ backend: new ScriptedBackend(script, 8), apiKey: KEY });
});
afterAll(async () => {
  await server?.stop();
  await keyed?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}, url = server.url) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const ask = (text: string, extra: object = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: text }], ...extra });

/** The named events of an SSE response, each with its parsed data. */
async function namedEvents(response: Response): Promise<{ event: string | undefined; data: Record<string, unknown> }[]> {
  const events: { event: string | undefined; data: Record<string, unknown> }[] = [];
  const parser = createParser({ onEvent: (message) => events.push({ event: message.event, data: JSON.parse(message.data) as Record<string, unknown> }) });
  parser.feed(await response.text());
  return events;
}

async function expectError(response: Response, status: number, type: string, message: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as AnthropicErrorResponse;
  expect(body.type).toBe('error');
  expect(body.error.type).toBe(type);
  expect(body.error.message).toMatch(message);
}

describe('POST /v1/messages on the scripted backend', () => {
  it("streams Anthropic's event sequence, every event named after its type", async () => {
    const response = await post('/v1/messages', ask('hi', { stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = await namedEvents(response);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    const types = events.map((e) => e.event);
    expect(types.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(types.slice(3, -3))).toEqual(new Set(['content_block_delta']));
    const start = events[0]!.data.message as AnthropicMessage;
    expect(start).toMatchObject({ type: 'message', role: 'assistant', model: 'scripted', content: [], stop_reason: null });
    expect(start.id).toMatch(/^msg_/);
    expect(start.usage.input_tokens).toBeGreaterThan(0);
    const text = events.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { text: string }).text).join('');
    expect(text).toBe('Hello from the script.');
    expect(events.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } });
  });

  it('holds back and cuts off a stop sequence, naming it with stop_reason "stop_sequence", streamed or not', async () => {
    const streamed = await namedEvents(await post('/v1/messages', ask('count', { stream: true, stop_sequences: ['STOP'] })));
    const text = streamed.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { text: string }).text).join('');
    expect(text).toBe('One, two, three. ');
    expect(streamed.at(-2)!.data.delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });

    const whole = (await (await post('/v1/messages', ask('count', { stop_sequences: ['STOP'] }))).json()) as AnthropicMessage;
    expect(whole.content).toEqual([{ type: 'text', text: 'One, two, three. ' }]);
    expect(whole).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
  });

  it('answers a whole Message with max_tokens as "max_tokens", system and text blocks read', async () => {
    const response = await post('/v1/messages', {
      model: 'x',
      max_tokens: 2,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say ' }, { type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }],
    });
    expect(response.status).toBe(200);
    const message = (await response.json()) as AnthropicMessage;
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'scripted', stop_reason: 'max_tokens', stop_sequence: null });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from' }]);
    expect(message.usage.output_tokens).toBe(2);
  });

  it('takes a last assistant message as the start of the reply (prefill), and a max_tokens past the context as a ceiling', async () => {
    const prefill = await post('/v1/messages', { model: 'x', max_tokens: 100_000, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Well,' }] });
    expect(prefill.status).toBe(200);
    expect(((await prefill.json()) as AnthropicMessage).stop_reason).toBe('end_turn');
  });

  it('counts prompt tokens with POST /v1/messages/count_tokens', async () => {
    const response = await post('/v1/messages/count_tokens', { model: 'x', system: 'Be brief.', messages: [{ role: 'user', content: 'one two three' }] });
    expect(response.status).toBe(200);
    const count = (await response.json()) as { input_tokens: number };
    expect(count.input_tokens).toBeGreaterThan(3);
  });

  it('refuses what it does not honour with 400 invalid_request_error saying what to do', async () => {
    await expectError(await post('/v1/messages', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request_error', /`max_tokens` is required/);
    await expectError(await post('/v1/messages', ask('hi', { temperature: 1.5 })), 400, 'invalid_request_error', /`temperature` must be >= 0 and <= 1/);
    const weather = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    await expectError(
      await post('/v1/messages', ask('hi', { tools: [weather], tool_choice: { type: 'tool', name: 'get_time' } })),
      400,
      'invalid_request_error',
      /`tool_choice` names the tool "get_time", which is not among `tools` \("get_weather"\)/,
    );
    await expectError(
      await post('/v1/messages', ask('hi', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] })),
      400,
      'invalid_request_error',
      /server tool "web_search_20250305", which Brook does not run/,
    );
    await expectError(await post('/v1/messages', ask('hi', { tools: [{ name: 'f', input_schema: { type: 'nonsense' } }] })), 400, 'invalid_request_error', /`tools\.0\.input_schema` is not a valid JSON Schema/);
    await expectError(
      await post('/v1/messages', ask('hi', { tools: [weather], output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } })),
      400,
      'invalid_request_error',
      /Structured output cannot be combined with tools/,
    );
    await expectError(
      await post('/v1/messages', { model: 'x', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'f', input: {} }] }] }),
      400,
      'invalid_request_error',
      /tool_use blocks belong to assistant messages/,
    );
    await expectError(await post('/v1/messages', ask('hi', { thinking: { type: 'enabled', budget_tokens: 1024 } })), 400, 'invalid_request_error', /`thinking` is not supported/);
    await expectError(
      await post('/v1/messages', { model: 'x', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }] }] }),
      400,
      'invalid_request_error',
      /`messages\.0\.content\.0` is a "image" block: Brook's model reads text only/,
    );
    await expectError(
      await post('/v1/messages', {
        model: 'x',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] }, { role: 'user', content: 'go on' }],
      }),
      400,
      'invalid_request_error',
      /`messages\.1` has tool_use blocks without a tool_result in the next message \(ids "toolu_1"\)/,
    );
    await expectError(await post('/v1/messages', ask('hi', { stop_sequences: ['a', 'b', 'c', 'd', 'e'] })), 400, 'invalid_request_error', /up to 4 non-empty strings/);
    await expectError(await post('/v1/messages/count_tokens', { model: 'x', messages: [] }), 400, 'invalid_request_error', /at least one message/);
    await expectError(await post('/v1/messages/batches', ask('hi')), 404, 'not_found_error', /No route for POST \/v1\/messages\/batches/);
  });

  it('takes the API key as x-api-key (as the anthropic clients send it) or as a Bearer token', async () => {
    expect((await post('/v1/messages', ask('hi'), { 'x-api-key': KEY }, keyed.url)).status).toBe(200);
    expect((await post('/v1/messages', ask('hi'), { authorization: `Bearer ${KEY}` }, keyed.url)).status).toBe(200);
    await expectError(await post('/v1/messages', ask('hi'), { 'x-api-key': 'wrong' }, keyed.url), 401, 'authentication_error', /x-api-key/);
    await expectError(await post('/v1/messages', ask('hi'), {}, keyed.url), 401, 'authentication_error', /API key/);
  });

  it('ends a stream stopped from the window with one `event: error` in Anthropic\'s shape', async () => {
    const response = await post('/v1/messages', ask('slowly', { stream: true }));
    const id = response.headers.get('x-request-id')!;
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let raw = '';
    while (!raw.includes('content_block_delta')) raw += (await reader.read()).value ?? '';
    expect(server.requests.cancel(id)).toBe(true);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) raw += chunk.value;
    const events: { event: string | undefined; data: string }[] = [];
    createParser({ onEvent: (message) => events.push({ event: message.event, data: message.data }) }).feed(raw);
    expect(events.at(-1)!.event).toBe('error');
    const error = JSON.parse(events.at(-1)!.data) as AnthropicErrorResponse;
    expect(error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(error.error.message).toMatch(/cancelled/);
    expect(events.map((e) => e.event)).not.toContain('message_stop');
  });

  it('lists the routes in /openapi.json under the Anthropic tag', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, { post?: { tags?: string[] } }> };
    expect(document.paths['/v1/messages']?.post?.tags).toEqual(['Anthropic']);
    expect(document.paths['/v1/messages/count_tokens']?.post?.tags).toEqual(['Anthropic']);
  });
});
