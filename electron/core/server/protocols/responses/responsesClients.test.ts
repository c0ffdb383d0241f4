// /v1/responses against the real model, called by the real clients unchanged: `openai`'s responses.create
// (streamed and not) and responses.stream, and the AI SDK's default `openai(...)` provider, which speaks the
// Responses API. Greedy text differs between CPUs: the tests compare the routes with each other, never with words.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPython } from '../../../testing/missingPython.js';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';

const noPython = missingPython('responsesClients.test', ['openai']);

let server: TestServer;
let openai: OpenAI;
let modelId: string;

beforeAll(async () => {
  server = await startTestServer();
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
  modelId = server.backend.info().id;
});
afterAll(async () => {
  await server?.stop();
});

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};
const ask = { model: 'gpt-4.1', instructions: 'You are brief.', input: 'What is the capital of France?', temperature: 0, max_output_tokens: 24 };

describe("openai's responses API", () => {
  it('responses.create answers, streamed or not, with the same greedy text, and responses.stream accumulates it', async () => {
    const whole = await openai.responses.create(ask);
    expect(whole.object).toBe('response');
    expect(whole.id).toMatch(/^resp_/);
    expect(whole.model).toBe(modelId);
    expect(['completed', 'incomplete']).toContain(whole.status);
    expect(whole.output_text.length).toBeGreaterThan(0);
    expect(whole.usage!.output_tokens).toBeGreaterThan(0);
    expect(whole.usage!.output_tokens).toBeLessThanOrEqual(24);

    const stream = await openai.responses.create({ ...ask, stream: true });
    const deltas: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      if (event.type === 'response.completed' || event.type === 'response.incomplete') completed = event.response;
    }
    expect(deltas.join('')).toBe(whole.output_text);
    expect(completed!.status).toBe(whole.status);
    expect(completed!.usage).toEqual(expect.objectContaining({ input_tokens: whole.usage!.input_tokens, output_tokens: whole.usage!.output_tokens }));

    const accumulated = await openai.responses.stream(ask).finalResponse();
    expect(accumulated.output_text).toBe(whole.output_text);
  });

  it('refusals reach the client as its errors with the message: 422 for previous_response_id and an unknown tool_choice', async () => {
    const stateful = await openai.responses.create({ ...ask, previous_response_id: 'resp_earlier' }).catch((error: unknown) => error);
    expect(stateful).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((stateful as Error).message).toMatch(/`previous_response_id` is not supported: Brook stores no responses/);
    const tools = await openai.responses
      .create({ ...ask, tools: [weather], tool_choice: { type: 'function', name: 'get_time' } })
      .catch((error: unknown) => error);
    expect(tools).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((tools as Error).message).toMatch(/`tool_choice` names the function "get_time", which is not among `tools`/);
  });

  it('calls a function (arguments that satisfy its schema), streamed or not, then answers its output', async () => {
    const calling = { ...ask, tools: [weather], tool_choice: 'required' as const, parallel_tool_calls: false, max_output_tokens: 60, input: 'What is the weather in Paris?' };
    const whole = await openai.responses.create(calling);
    expect(whole.status).toBe('completed');
    const calls = whole.output.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('get_weather');
    expect(typeof (JSON.parse(calls[0]!.arguments) as { city: unknown }).city).toBe('string');

    const stream = await openai.responses.create({ ...calling, stream: true });
    let argumentDeltas = '';
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas += event.delta;
      if (event.type === 'response.completed') final = event.response;
    }
    const streamedCall = final!.output.find((item) => item.type === 'function_call')!;
    expect(argumentDeltas).toBe(streamedCall.arguments);
    // Not compared with the unstreamed call: a reused prompt prefix can change greedy whitespace inside the JSON.
    expect(streamedCall.name).toBe('get_weather');
    expect(typeof (JSON.parse(streamedCall.arguments) as { city: unknown }).city).toBe('string');

    const answer = await openai.responses.create({
      ...ask,
      tools: [weather],
      input: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { type: 'function_call', call_id: calls[0]!.call_id, name: 'get_weather', arguments: calls[0]!.arguments },
        { type: 'function_call_output', call_id: calls[0]!.call_id, output: '18 degrees and sunny' },
      ],
    });
    expect(['completed', 'incomplete']).toContain(answer.status);
    expect(answer.output.length).toBeGreaterThan(0);
  });

  it('answers in JSON that satisfies text.format\'s schema', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'], additionalProperties: false };
    const response = await openai.responses.create({ ...ask, max_output_tokens: 60, text: { format: { type: 'json_schema', name: 'place', schema, strict: true } } });
    expect(response.status).toBe('completed');
    const parsed = JSON.parse(response.output_text) as { city: unknown; country: unknown };
    expect(typeof parsed.city).toBe('string');
    expect(typeof parsed.country).toBe('string');
  });
});

describe("the AI SDK's default openai(...) provider (Responses API)", () => {
  it('generateText and streamText give the same greedy text, with usage', async () => {
    const provider = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed' });
    const options = { model: provider('gpt-4.1'), system: 'You are brief.', prompt: 'What is the capital of France?', temperature: 0, maxOutputTokens: 24, maxRetries: 0 };
    const generated = await generateText(options);
    expect(generated.text.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(generated.finishReason);
    expect(generated.usage.outputTokens).toBeGreaterThan(0);

    const streamed = streamText(options);
    const pieces: string[] = [];
    for await (const piece of streamed.textStream) pieces.push(piece);
    expect(pieces.join('')).toBe(generated.text);
    expect(await streamed.finishReason).toBe(generated.finishReason);
    expect((await streamed.usage).outputTokens).toBe(generated.usage.outputTokens);
  });

  it('calls a tool with generateText and streamText, its input validated by the SDK against the zod schema', async () => {
    const provider = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed' });
    const options = {
      model: provider('gpt-4.1'),
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: tool({ description: 'The current weather in a city', inputSchema: z.object({ city: z.string() }) }) },
      toolChoice: 'required' as const,
      providerOptions: { openai: { parallelToolCalls: false } },
      temperature: 0,
      maxOutputTokens: 60,
      maxRetries: 0,
    };
    const generated = await generateText(options);
    expect(generated.finishReason).toBe('tool-calls');
    expect(generated.toolCalls).toHaveLength(1);
    expect(generated.toolCalls[0]!.toolName).toBe('get_weather');
    expect(typeof (generated.toolCalls[0]!.input as { city: unknown }).city).toBe('string');

    const streamed = streamText(options);
    expect(await streamed.finishReason).toBe('tool-calls');
    const calls = await streamed.toolCalls;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.toolName).toBe('get_weather');
    expect(typeof (calls[0]!.input as { city: unknown }).city).toBe('string');
  });
});

describe.skipIf(noPython !== null)("Python's openai client", () => {
  it('responses.create and responses.stream give the same greedy text', async () => {
    const script = `
import json, sys
from openai import OpenAI
client = OpenAI(base_url=sys.argv[1] + "/v1", api_key="not-needed", max_retries=0)
ask = dict(model="gpt-4.1", instructions="You are brief.", input="What is the capital of France?", temperature=0, max_output_tokens=24)
whole = client.responses.create(**ask)
deltas, last = [], None
with client.responses.stream(**ask) as stream:
    for event in stream:
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        last = event
    # get_final_response() needs response.completed; a reply cut at max_output_tokens ends with response.incomplete, as OpenAI's does.
    final = stream.get_final_response() if last.type == "response.completed" else last.response
print(json.dumps({"text": whole.output_text, "status": whole.status, "deltas": deltas, "final": final.output_text, "last": last.type}))
`;
    const { stdout } = await promisify(execFile)('python3', ['-c', script, server.url], { encoding: 'utf8', timeout: 170_000 });
    const result = JSON.parse(stdout) as { text: string; status: string; deltas: string[]; final: string; last: string };
    expect(result.last).toBe(result.status === 'completed' ? 'response.completed' : 'response.incomplete');
    expect(result.text.length).toBeGreaterThan(0);
    expect(['completed', 'incomplete']).toContain(result.status);
    expect(result.deltas.join('')).toBe(result.text);
    expect(result.final).toBe(result.text);
  });
});
