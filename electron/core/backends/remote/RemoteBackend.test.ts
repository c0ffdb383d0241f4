// Brook in front of another server: a second Brook speaking TGI, and llama.cpp's own llama-server speaking
// OpenAI (built from the llama.cpp source node-llama-cpp ships; skipped with the reason where it cannot be
// built). Greedy output through Brook equals the upstream's own; Stop reaches the upstream; errors keep status.
// Tools and structured output are forwarded: the tests assert what the upstream's grammar guarantees (calls and
// JSON that parse and validate), never what the model writes.
import Ajv2020 from 'ajv/dist/2020.js';
import OpenAI, { UnprocessableEntityError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureLlamaServer, startLlamaServer, type RunningLlamaServer } from '../../../../scripts/llamaServer.js';
import { bundledModelPath } from '../../bundledModel.js';
import { readSse } from '../../testing/readSse.js';
import { startTestServer, type TestServer } from '../../testing/startTestServer.js';
import type { StreamResponse } from '../../wire/tgi.js';
import { RemoteBackend } from './RemoteBackend.js';
import { askWeather as ask, weatherTool } from '../../testing/weatherTool.js';

const post = (url: string, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

async function streamTokens(url: string, body: unknown): Promise<{ ids: number[]; text: string; last: StreamResponse }> {
  const { events } = await readSse(await post(url, '/generate_stream', body));
  const frames = events.map((event) => JSON.parse(event.data) as StreamResponse);
  return { ids: frames.map((frame) => frame.token.id), text: frames.at(-1)!.generated_text!, last: frames.at(-1)! };
}

const ajv = new Ajv2020({ strict: false });
const citySchema = { type: 'object', properties: { name: { type: 'string', maxLength: 30 }, population: { type: 'integer' } }, required: ['name', 'population'] };
const cityFormat = { type: 'json_schema' as const, json_schema: { name: 'city', schema: citySchema, strict: true } };
const codePattern = '[A-Z]{3}-[0-9]{2}';

const openai = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });

/** A function call's arguments parse and satisfy the tool's schema. */
function expectValidCall(call: OpenAI.Chat.Completions.ChatCompletionMessageToolCall): void {
  if (call.type !== 'function') throw new Error(`not a function call: ${call.type}`);
  expect(call.id).toEqual(expect.any(String));
  expect(call.id).not.toBe('');
  expect(call.function.name).toBe('get_weather');
  expect(ajv.validate(weatherTool.function.parameters, JSON.parse(call.function.arguments))).toBe(true);
}

async function generate(url: string, body: unknown): Promise<{ status: number; body: { generated_text?: string; error?: string } }> {
  const response = await post(url, '/generate', body);
  return { status: response.status, body: (await response.json()) as { generated_text?: string; error?: string } };
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

describe('RemoteBackend forwards tools and structured output to another Brook', { timeout: 240_000 }, () => {
  let upstream: TestServer;
  // The same Brook seen two ways: as TGI (what auto-detection finds: TGI's grammar forms) and as a plain OpenAI server.
  const fronts: Record<'tgi' | 'openai', TestServer<RemoteBackend>> = {} as never;

  beforeAll(async () => {
    upstream = await startTestServer({ parallel: 1 });
    fronts.tgi = await remoteServer(upstream.url);
    fronts.openai = await remoteServer(upstream.url, 'openai');
  }, 180_000);
  afterAll(async () => {
    await fronts.tgi?.stop();
    await fronts.openai?.stop();
    await upstream?.stop();
  });
  afterEach(async () => {
    await fronts.tgi?.settle();
    await fronts.openai?.settle();
    await upstream?.settle();
  });

  describe.each(['tgi', 'openai'] as const)('seen as %s', (protocol) => {
    it('min_p reaches the upstream: 0.99 with a seed keeps only the most likely token, so the text is the greedy one', async () => {
      const inputs = 'The capital of France is';
      const generate = async (parameters: object) => ((await (await post(fronts[protocol].url, '/generate', { inputs, parameters: { max_new_tokens: 12, ...parameters } })).json()) as { generated_text: string }).generated_text;
      expect(await generate({ do_sample: true, seed: 7, min_p: 0.99 })).toBe(await generate({}));
    });

    it('tool_choice "required": one well-formed call whose arguments validate, finish_reason "tool_calls"', async () => {
      expect(fronts[protocol].backend.info().protocol).toBe(protocol);
      const completion = await openai(fronts[protocol].url).chat.completions.create({ model: 'x', messages: ask, temperature: 0, max_tokens: 120, tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false });
      const choice = completion.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.tool_calls).toHaveLength(1);
      expectValidCall(choice.message.tool_calls![0]!);
    });

    it('streams the call as OpenAI does: id, type and name first, then argument fragments', async () => {
      const runner = openai(fronts[protocol].url).chat.completions.stream({ model: 'x', messages: ask, temperature: 0, max_tokens: 120, tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      runner.on('chunk', (chunk) => chunks.push(chunk));
      const completion = await runner.finalChatCompletion();
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
      const calls = completion.choices[0]!.message.tool_calls!;
      expect(calls.length).toBeGreaterThanOrEqual(1);
      for (const call of calls) expectValidCall(call);
      const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      expect(deltas[0]).toMatchObject({ index: 0, id: calls[0]!.id, type: 'function', function: { name: 'get_weather' } });
      expect(deltas.filter((delta) => delta.index === 0 && !delta.id).length).toBeGreaterThan(0);
    });

    it('response_format json_schema: the reply parses and validates', async () => {
      const completion = await openai(fronts[protocol].url).chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'Describe Paris as JSON.' }], temperature: 0, max_tokens: 120, response_format: cityFormat });
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      expect(ajv.validate(citySchema, JSON.parse(completion.choices[0]!.message.content!))).toBe(true);
    });
  });

  it("forwards a history with calls and their results as the upstream renders it: the same prompt, the same greedy reply", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      ...ask,
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21}' },
    ];
    const request = { model: 'x', messages, temperature: 0, max_tokens: 12 };
    const direct = await openai(upstream.url).chat.completions.create(request);
    const through = await openai(fronts.tgi.url).chat.completions.create(request);
    expect(through.usage?.prompt_tokens).toBe(direct.usage?.prompt_tokens);
    expect(through.choices[0]!.message.content).toBe(direct.choices[0]!.message.content);
  });

  it("TGI's grammar on /generate reaches a TGI upstream: JSON that validates, text that matches the pattern", async () => {
    const json = await generate(fronts.tgi.url, { inputs: 'Paris as JSON:', parameters: { max_new_tokens: 120, grammar: { type: 'json', value: citySchema } } });
    expect(json.status).toBe(200);
    expect(ajv.validate(citySchema, JSON.parse(json.body.generated_text!))).toBe(true);
    const regex = await generate(fronts.tgi.url, { inputs: 'A flight code:', parameters: { max_new_tokens: 20, grammar: { type: 'regex', value: codePattern } } });
    expect(regex.status).toBe(200);
    expect(regex.body.generated_text).toMatch(new RegExp(`^${codePattern}$`));
  });

  it('refuses with 422 what an OpenAI upstream has no field for: a regex, and a grammar on raw text', async () => {
    const front = fronts.openai.url;
    const regex = openai(front).chat.completions.create({ model: 'x', messages: ask, max_tokens: 10, response_format: { type: 'regex', value: codePattern } as never });
    await expect(regex).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(regex).rejects.toThrow(/response_format has no regular expression.*--remote-protocol tgi/);
    const raw = await generate(front, { inputs: 'Paris as JSON:', parameters: { max_new_tokens: 20, grammar: { type: 'json', value: citySchema } } });
    expect(raw.status).toBe(422);
    expect(raw.body.error).toMatch(/\/v1\/completions has no field for a JSON Schema or a grammar.*Send the request as a chat/);
    expect(upstream.backend.stats.inFlight).toBe(0);
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

  it('forwards response_format json_schema: the reply parses and validates, streamed and not', async () => {
    const request = { model: 'x', messages: [{ role: 'user' as const, content: 'Describe Paris as JSON.' }], temperature: 0, max_tokens: 120, response_format: cityFormat };
    const completion = await openai(front.url).chat.completions.create(request);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(ajv.validate(citySchema, JSON.parse(completion.choices[0]!.message.content!))).toBe(true);
    let text = '';
    for await (const chunk of await openai(front.url).chat.completions.create({ ...request, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    expect(ajv.validate(citySchema, JSON.parse(text))).toBe(true);
  });

  it("forwards TGI's grammar on raw text as llama-server's json_schema and GBNF grammar", async () => {
    const json = await generate(front.url, { inputs: 'Paris as JSON:', parameters: { max_new_tokens: 120, grammar: { type: 'json', value: citySchema } } });
    expect(json.status).toBe(200);
    expect(ajv.validate(citySchema, JSON.parse(json.body.generated_text!))).toBe(true);
    const regex = await generate(front.url, { inputs: 'A flight code:', parameters: { max_new_tokens: 20, grammar: { type: 'regex', value: codePattern } } });
    expect(regex.status).toBe(200);
    expect(regex.body.generated_text).toMatch(new RegExp(`^${codePattern}$`));
  });

  // SmolLM2's chat template cannot present tools, and llama-server then answers a tools request in plain text
  // even with tool_choice "required" (so tool calls against llama-server are not tested here).
  it("refuses tools with 422 when llama-server's chat template cannot present them", async () => {
    const request = openai(front.url).chat.completions.create({ model: 'x', messages: ask, max_tokens: 10, tools: [weatherTool], tool_choice: 'required' });
    await expect(request).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(request).rejects.toThrow(/supports_tool_calls: false/);
  });
});
