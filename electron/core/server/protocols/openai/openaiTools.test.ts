// Structured output, tool calls and embeddings on /v1 with the real `openai` client, unchanged, on the real
// model. The 135M model's words differ between CPUs: the tests assert what the grammar guarantees (the
// output parses, validates, and arrives in OpenAI's shapes), never what it says.
import Ajv2020 from 'ajv/dist/2020.js';
import OpenAI, { UnprocessableEntityError } from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import { askWeather as ask, weatherTool } from '../../../testing/weatherTool.js';

let server: TestServer;
let openai: OpenAI;
beforeAll(async () => {
  server = await startTestServer();
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(() => server?.settle());

const ajv = new Ajv2020({ strict: false });
const Weather = z.object({ city: z.string().max(30), unit: z.enum(['celsius', 'fahrenheit']) });

describe('structured output', () => {
  it('chat.completions.parse with a zod model returns a parsed object', async () => {
    const City = z.object({ name: z.string().max(40), population: z.number().int(), landmarks: z.array(z.string().max(30)).max(3) });
    const completion = await openai.chat.completions.parse({
      model: 'brook',
      messages: [{ role: 'user', content: 'Describe Paris as JSON.' }],
      temperature: 0,
      max_tokens: 300,
      response_format: zodResponseFormat(City, 'city'),
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(City.parse(choice.message.parsed)).toEqual(choice.message.parsed);
  }, 120_000);

  it('json_object gives a JSON object, streamed', async () => {
    const stream = await openai.chat.completions.create({
      model: 'brook',
      messages: [{ role: 'user', content: 'Give me a JSON object about cats.' }],
      temperature: 0,
      max_tokens: 200,
      stream: true,
      response_format: { type: 'json_object' },
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    if (finish === 'stop') expect(typeof JSON.parse(text)).toBe('object');
    else expect(text.startsWith('{')).toBe(true);
  }, 120_000);

  it("takes TGI's grammar as response_format on the chat route (huggingface_hub's chat_completion sends it so)", async () => {
    const schema = { type: 'object', properties: { city: { type: 'string', maxLength: 30 } }, required: ['city'] };
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: ask, temperature: 0, max_tokens: 60, response_format: { type: 'json', value: schema } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(ajv.validate(schema, JSON.parse(body.choices[0]!.message.content))).toBe(true);
  }, 120_000);

  it('refuses a schema keyword it cannot enforce, and a schema that is not a schema, with 422', async () => {
    const bad = (schema: Record<string, unknown>) =>
      openai.chat.completions.create({ model: 'brook', messages: ask, response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } });
    await expect(bad({ type: 'string', pattern: '^a' })).rejects.toThrow(/`pattern`/);
    await expect(bad({ type: 'string', pattern: '^a' })).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(bad({ type: 12 })).rejects.toThrow(/not a valid JSON Schema/);
  });
});

describe('tool calls', () => {
  it('tool_choice "required" calls a tool with arguments that validate, finish_reason "tool_calls"', async () => {
    const completion = await openai.chat.completions.create({ model: 'brook', messages: ask, temperature: 0, tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_weather');
    expect(ajv.validate(weatherTool.function.parameters, JSON.parse(call.function.arguments))).toBe(true);
  }, 120_000);

  it('zodFunction tools with parse: the SDK parses the arguments', async () => {
    const completion = await openai.chat.completions.parse({
      model: 'brook',
      messages: ask,
      temperature: 0,
      tools: [zodFunction({ name: 'get_weather', parameters: Weather })],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const calls = completion.choices[0]!.message.tool_calls!;
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) expect(Weather.parse(call.function.parsed_arguments)).toEqual(call.function.parsed_arguments);
  }, 120_000);

  it('streams tool-call deltas that the SDK reassembles (id, type and name first, then argument fragments)', async () => {
    const runner = openai.chat.completions.stream({ model: 'brook', messages: ask, temperature: 0, tools: [weatherTool], tool_choice: 'required' });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    runner.on('chunk', (chunk) => chunks.push(chunk));
    const completion = await runner.finalChatCompletion();
    const calls = completion.choices[0]!.message.tool_calls!;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      if (call.type !== 'function') throw new Error('not a function call');
      expect(ajv.validate(weatherTool.function.parameters, JSON.parse(call.function.arguments))).toBe(true);
    }
    const first = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])[0]!;
    expect(first).toMatchObject({ index: 0, id: calls[0]!.id, type: 'function', function: { name: 'get_weather' } });
    const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).filter((delta) => delta.index === 0 && !delta.id);
    expect(fragments.length).toBeGreaterThan(1);
  }, 120_000);

  it('tool_choice "auto" answers in text or with valid calls', async () => {
    const completion = await openai.chat.completions.create({ model: 'brook', messages: ask, temperature: 0, tools: [weatherTool] });
    const choice = completion.choices[0]!;
    if (choice.finish_reason === 'tool_calls') {
      for (const call of choice.message.tool_calls!) {
        if (call.type !== 'function') throw new Error('not a function call');
        expect(ajv.validate(weatherTool.function.parameters, JSON.parse(call.function.arguments))).toBe(true);
      }
    } else {
      expect(choice.message.tool_calls ?? []).toHaveLength(0);
      expect(typeof choice.message.content).toBe('string');
    }
  }, 120_000);

  it('a full agent round trip: call, tool result, final answer', async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [...ask];
    const first = await openai.chat.completions.create({ model: 'brook', messages, temperature: 0, tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
    const message = first.choices[0]!.message;
    messages.push(message);
    for (const call of message.tool_calls!) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temperature: 21, sky: 'clear' }) });
    const final = await openai.chat.completions.create({ model: 'brook', messages, temperature: 0, max_tokens: 60, tools: [weatherTool], tool_choice: 'none' });
    expect(final.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
    expect(typeof final.choices[0]!.message.content).toBe('string');
    expect(['stop', 'length']).toContain(final.choices[0]!.finish_reason);
  }, 120_000);

  it('refuses an unknown tool in tool_choice and a tool message without a matching call with 422', async () => {
    await expect(
      openai.chat.completions.create({ model: 'brook', messages: ask, tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'launch_rocket' } } }),
    ).rejects.toThrow(/launch_rocket.*not among `tools`/);
    await expect(
      openai.chat.completions.create({ model: 'brook', messages: [...ask, { role: 'tool', tool_call_id: 'call_nowhere', content: '42' }], tools: [weatherTool] }),
    ).rejects.toThrow(/call_nowhere/);
    await expect(openai.chat.completions.create({ model: 'brook', messages: ask, tool_choice: 'required' })).rejects.toBeInstanceOf(UnprocessableEntityError);
  });
});

describe('embeddings', () => {
  it('embeddings.create: one unit vector per input, float and base64 alike, with usage', async () => {
    const floats = await openai.embeddings.create({ model: 'brook', input: ['Paris is in France.', 'Cats purr.'], encoding_format: 'float' });
    expect(floats.data).toHaveLength(2);
    expect(floats.data.map((item) => item.index)).toEqual([0, 1]);
    const vector = floats.data[0]!.embedding;
    expect(vector.length).toBeGreaterThan(0);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    // The SDK asks for base64 by default and decodes it: the same vectors.
    const decoded = await openai.embeddings.create({ model: 'brook', input: 'Paris is in France.' });
    decoded.data[0]!.embedding.forEach((value, index) => expect(value).toBeCloseTo(vector[index]!, 5));
  }, 120_000);

  it('refuses dimensions other than the model\'s with 422', async () => {
    await expect(openai.embeddings.create({ model: 'brook', input: 'x', dimensions: 3 })).rejects.toThrow(/`dimensions` must be/);
  });
});
