// /v1/responses framing on the scripted backend (chosen text, fast): the event sequence, names and sequence
// numbers, the whole Response, max_output_tokens as `incomplete`, and every refusal in OpenAI's error shape.
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Script } from '../../../backends/scripted/ScriptFile.js';
import { ScriptedBackend } from '../../../backends/scripted/ScriptedBackend.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import type { OpenAIErrorResponse } from '../../../wire/openai.js';
import type { ResponsesOutputMessage, ResponsesResponse } from '../../../wire/responses.js';

let server: TestServer<ScriptedBackend>;
beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(new Script({
        tokensPerSecond: 1000,
        replies: [{ when: 'slowly', text: 'one two three four five six seven eight nine ten eleven twelve', tokensPerSecond: 5 }],
        default: 'Hello from the script.',
      }), 8) });
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The named events of an SSE response, each with its parsed data. */
async function namedEvents(response: Response): Promise<{ event: string | undefined; data: Record<string, unknown> }[]> {
  const events: { event: string | undefined; data: Record<string, unknown> }[] = [];
  const parser = createParser({ onEvent: (message) => events.push({ event: message.event, data: JSON.parse(message.data) as Record<string, unknown> }) });
  parser.feed(await response.text());
  return events;
}

async function expectError(response: Response, status: number, message: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as OpenAIErrorResponse;
  expect(body.error.message).toMatch(message);
}

describe('POST /v1/responses on the scripted backend', () => {
  it('streams the Responses event sequence, named after each type and numbered from 0', async () => {
    const response = await post('/v1/responses', { model: 'gpt-4.1', input: 'hi', stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = await namedEvents(response);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((e) => e.event);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    expect(new Set(types.slice(4, -4))).toEqual(new Set(['response.output_text.delta']));
    const created = events[0]!.data.response as ResponsesResponse;
    expect(created).toMatchObject({ object: 'response', status: 'in_progress', model: 'scripted', output: [], usage: null, store: false });
    expect(created.id).toMatch(/^resp_/);
    const text = events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta).join('');
    expect(text).toBe('Hello from the script.');
    expect(events.at(-4)!.data).toMatchObject({ text, output_index: 0, content_index: 0 });
    const completed = events.at(-1)!.data.response as ResponsesResponse;
    expect(completed).toMatchObject({ id: created.id, status: 'completed', incomplete_details: null });
    expect(completed.output).toEqual([{ type: 'message', id: created.id.replace('resp_', 'msg_'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }]);
    expect(completed.usage).toMatchObject({ output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 } });
    expect(completed.usage!.total_tokens).toBe(completed.usage!.input_tokens + 5);
  });

  it('answers a whole Response; max_output_tokens reached is status "incomplete" (streamed: response.incomplete)', async () => {
    const body = {
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in English.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello' }] },
      ],
      max_output_tokens: 2,
      metadata: { run: '7' },
    };
    const response = await post('/v1/responses', body);
    expect(response.status).toBe(200);
    const whole = (await response.json()) as ResponsesResponse;
    expect(whole).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, instructions: 'Be brief.', max_output_tokens: 2, metadata: { run: '7' } });
    expect((whole.output[0] as ResponsesOutputMessage).content[0]!.text).toBe('Hello from');
    expect(whole.output[0]!.status).toBe('incomplete');

    const events = await namedEvents(await post('/v1/responses', { ...body, stream: true }));
    expect(events.at(-1)!.event).toBe('response.incomplete');
    expect((events.at(-1)!.data.response as ResponsesResponse).status).toBe('incomplete');
  });

  it('refuses what it does not honour with 422 in OpenAI\'s error shape, saying what to do', async () => {
    await expectError(await post('/v1/responses', { input: 'hi', previous_response_id: 'resp_1' }), 422, /`previous_response_id` is not supported: Brook stores no responses/);
    const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    await expectError(await post('/v1/responses', { input: 'hi', tools: [{ type: 'web_search' }] }), 422, /built-in tool "web_search", which Brook does not run/);
    await expectError(
      await post('/v1/responses', { input: 'hi', tools: [weather], tool_choice: { type: 'function', name: 'get_time' } }),
      422,
      /`tool_choice` names the function "get_time", which is not among `tools` \("get_weather"\)/,
    );
    await expectError(await post('/v1/responses', { input: 'hi', tools: [{ ...weather, parameters: { type: 'nonsense' } }] }), 422, /`tools\.0\.parameters` is not a valid JSON Schema/);
    await expectError(
      await post('/v1/responses', { input: 'hi', tools: [weather], text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } } }),
      422,
      /`text.format` cannot be combined with tools/,
    );
    await expectError(await post('/v1/responses', { input: 'hi', text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object', not: {} } } } }), 422, /not/);
    await expectError(await post('/v1/responses', { input: [{ type: 'item_reference', id: 'msg_1' }] }), 422, /item_reference, which is not supported/);
    await expectError(await post('/v1/responses', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] }), 422, /"input_image" part: Brook's model reads text only/);
    await expectError(await post('/v1/responses', { input: 'hi', reasoning: { effort: 'high' } }), 422, /`reasoning` is not supported/);
    await expectError(await post('/v1/responses', { input: 'hi', truncation: 'auto' }), 422, /`truncation` must be "disabled"/);
    await expectError(await post('/v1/responses', { input: 'hi', temperature: 3 }), 422, /`temperature` must be >= 0 and <= 2/);
    await expectError(await post('/v1/responses', { input: '' }), 422, /`input` must be a non-empty string/);
    const missing = await fetch(`${server.url}/v1/responses/resp_123`);
    await expectError(missing, 404, /Brook stores no responses/);
  });

  it('accepts what the AI SDK and the openai client send by default, and empty tool settings', async () => {
    const response = await post('/v1/responses', {
      model: 'gpt-4o',
      input: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      store: true,
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      text: { format: { type: 'text' } },
      reasoning: {},
      include: [],
      truncation: 'disabled',
      user: 'someone',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ResponsesResponse).store).toBe(false);
  });

  it('ends a stream stopped from the window with one `error` event that the openai clients throw on', async () => {
    const response = await post('/v1/responses', { input: 'slowly', stream: true });
    const id = response.headers.get('x-request-id')!;
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let raw = '';
    while (!raw.includes('response.output_text.delta')) raw += (await reader.read()).value ?? '';
    expect(server.requests.cancel(id)).toBe(true);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) raw += chunk.value;
    const events: { event: string | undefined; data: Record<string, unknown> }[] = [];
    createParser({ onEvent: (message) => events.push({ event: message.event, data: JSON.parse(message.data) as Record<string, unknown> }) }).feed(raw);
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ type: 'error', code: 'cancelled', param: null, error: { code: 'cancelled' } });
    expect(last.data.message).toMatch(/cancelled/);
    expect(last.data.sequence_number).toBe(events.length - 1);
  });

  it('lists the route in /openapi.json under the OpenAI tag', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, { post?: { tags?: string[] } }> };
    expect(document.paths['/v1/responses']?.post?.tags).toEqual(['OpenAI']);
  });
});
