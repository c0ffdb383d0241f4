// The live list of requests from other tools: unit behaviour, then against the real server and model.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { overloadedError } from '../errors.js';
import { readSse } from '../testing/readSse.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';
import type { ApiRequestInfo } from '../wire/endpoint.js';
import type { EndEvent, TokenEvent } from '../wire/generation.js';
import { CANCELLED_MESSAGE, RequestRegistry } from './RequestRegistry.js';

const caller = { route: '/generate', client: 'test' };

function tokenEvent(index: number, last: boolean): TokenEvent {
  return { type: 'token', index, token: { id: index, text: 'a', logprob: null, special: false }, last };
}

function endEvent(tokens: number): EndEvent {
  return {
    type: 'end',
    generatedText: 'a'.repeat(tokens),
    finishReason: 'length',
    generatedTokens: tokens,
    seed: null,
    inputLength: 3,
    stopSequence: null,
    cancelled: false,
    timings: { queueMs: 0, firstTokenMs: 0, generationMs: 1, reusedPromptTokens: 0 },
  };
}

/** What the pipeline tells the registry about a request that yields `tokens` tokens and ends, without a model. */
function run(registry: RequestRegistry, tokens: number): string {
  const tracked = registry.track(caller, new AbortController().signal);
  tracked.observer.admitted(3);
  for (let index = 1; index <= tokens; index++) tracked.observer.token(tokenEvent(index, index === tokens));
  tracked.observer.end(endEvent(tokens));
  tracked.observer.closed();
  return tracked.id;
}

describe('RequestRegistry', () => {
  it('follows a request from queued to done, counting its tokens', async () => {
    const registry = new RequestRegistry();
    const seen: ApiRequestInfo['state'][] = [];
    registry.onChange((requests) => seen.push(requests[0]!.state));
    const tracked = registry.track(caller, new AbortController().signal);
    tracked.observer.admitted(3);
    expect(registry.get(tracked.id)).toMatchObject({ route: '/generate', client: 'test', state: 'queued', tokens: 0, promptTokens: 3, finishedAt: null });
    for (let index = 1; index <= 4; index++) tracked.observer.token(tokenEvent(index, index === 4));
    tracked.observer.end(endEvent(4));
    tracked.observer.closed();
    expect(registry.get(tracked.id)).toMatchObject({ state: 'done', tokens: 4, error: null, toolCalls: [] });
    await Promise.resolve();
    expect(seen.at(-1)).toBe('done');
  });

  it('lists a refused request as an error', () => {
    const registry = new RequestRegistry();
    registry.track(caller, new AbortController().signal).observer.refused(overloadedError());
    expect(registry.list()).toMatchObject([{ state: 'error', error: 'Model is overloaded' }]);
  });

  it('keeps only the last finished requests', () => {
    const registry = new RequestRegistry({ keepFinished: 3 });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(run(registry, 1));
    expect(registry.list().map((request) => request.id)).toEqual(ids.slice(-3));
  });

  it('marks a request that ended without its end event (client gone, cancelled while queued) as cancelled', () => {
    const registry = new RequestRegistry();
    const tracked = registry.track(caller, AbortSignal.abort(new Error('client disconnected')));
    tracked.observer.admitted(3);
    tracked.observer.token(tokenEvent(1, false));
    tracked.observer.closed();
    expect(registry.get(tracked.id)).toMatchObject({ state: 'cancelled', tokens: 1, error: 'client disconnected' });
    expect(registry.cancel(tracked.id)).toBe(false);
  });

  it('cancel(id) aborts the signal it handed out, with the reason', () => {
    const registry = new RequestRegistry();
    const tracked = registry.track(caller, new AbortController().signal);
    expect(registry.cancel(tracked.id)).toBe(true);
    expect(tracked.signal.aborted).toBe(true);
    expect((tracked.signal.reason as Error).message).toBe(CANCELLED_MESSAGE);
  });
});

describe('RequestRegistry in the server', () => {
  let server: TestServer;
  const post = (path: string, body: unknown, userAgent = 'registry-test/1.0') =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': userAgent }, body: JSON.stringify(body) });
  /** Resolves when the registry lists a request matching `predicate`. */
  const listed = (predicate: (request: ApiRequestInfo) => boolean) =>
    new Promise<ApiRequestInfo>((resolve) => {
      const found = server.requests.list().find(predicate);
      if (found) return resolve(found);
      const stop = server.requests.onChange((requests) => {
        const match = requests.find(predicate);
        if (match) {
          stop();
          resolve(match);
        }
      });
    });

  beforeAll(async () => {
    // One sequence: a second request waits in the queue.
    server = await startTestServer({ parallel: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });
  // Each test's generations end with it, even when it timed out.
  afterEach(() => server?.settle());

  it('lists requests from every API route with the route and the client', async () => {
    await (await post('/generate', { inputs: 'Hello', parameters: { max_new_tokens: 2 } }, 'curl/8.0')).text();
    await (await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2, temperature: 0 })).text();
    const [tgi, chat] = server.requests.list().slice(-2);
    expect(tgi).toMatchObject({ route: '/generate', client: 'curl/8.0', state: 'done', tokens: 2 });
    expect(chat).toMatchObject({ route: '/v1/chat/completions', client: 'registry-test/1.0', state: 'done', tokens: 2 });
    expect(chat!.promptTokens).toBeGreaterThan(0);
    expect(chat!.finishedAt).toBeGreaterThanOrEqual(chat!.startedAt);
    expect(chat!.toolCalls).toEqual([]);
  });

  it('keeps the calls of a reply that called tools: each function name and its arguments', async () => {
    const response = await post(
      '/v1/chat/completions',
      {
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Rome'] } }, required: ['city'] } } }],
        tool_choice: 'required',
        parallel_tool_calls: false,
        max_tokens: 200,
        temperature: 0,
      },
      'tool-caller/1.0',
    );
    const body = (await response.json()) as { choices: { finish_reason: string; message: { tool_calls: { function: { name: string; arguments: string } }[] } }[] };
    expect(body.choices[0]!.finish_reason).toBe('tool_calls');
    const listedCall = await listed((request) => request.client === 'tool-caller/1.0' && request.state === 'done');
    expect(listedCall.toolCalls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual(
      body.choices[0]!.message.tool_calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)]),
    );
    expect(listedCall.toolCalls[0]).toMatchObject({ name: 'get_weather', arguments: expect.stringMatching(/"city"/) });
  });

  it('cancel(id) stops a running stream: the openai client raises the reason, the generation is freed', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
    const stream = await openai.completions.create({ model: 'x', prompt: 'Once upon a time', max_tokens: 1900, temperature: 0, stream: true });
    let chunks = 0;
    const error = await (async () => {
      for await (const chunk of stream) {
        void chunk;
        if (++chunks === 3) {
          const running = server.requests.list().find((request) => request.state === 'generating')!;
          expect(running).toMatchObject({ route: '/v1/completions', client: expect.stringMatching(/^OpenAI\/JS/) });
          expect(server.requests.cancel(running.id)).toBe(true);
        }
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toBe("Generation stopped before the end: The request was cancelled in Brook's window.");
    const cancelled = server.requests.list().at(-1)!;
    expect(cancelled).toMatchObject({ state: 'cancelled', error: "The request was cancelled in Brook's window." });
    expect(cancelled.tokens).toBeLessThan(20);
    // The sequence is free again: the next request runs at once.
    const next = await post('/generate', { inputs: 'Hello', parameters: { max_new_tokens: 1 } });
    expect(next.status).toBe(200);
  });

  it('cancel(id) of a queued request ends its stream with one error event and no [DONE]', async () => {
    const running = await post('/v1/completions', { prompt: 'Once upon a time', max_tokens: 1900, temperature: 0, stream: true });
    const runningReader = running.body!.getReader();
    await runningReader.read();
    const queuedResponse = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'Hi' }], temperature: 0, stream: true });
    const queued = await listed((request) => request.route === '/v1/chat/completions' && request.state === 'queued');
    server.requests.cancel(queued.id);
    const { events, raw } = await readSse(queuedResponse);
    expect(raw).not.toContain('[DONE]');
    expect(events.map((event) => JSON.parse(event.data) as { error?: { type: string; code: string } }).at(-1)!.error).toMatchObject({
      type: 'incomplete_generation',
      code: 'cancelled',
    });
    expect(server.requests.get(queued.id)).toMatchObject({ state: 'cancelled', tokens: 0 });
    await runningReader.cancel();
    // The client that left is listed as cancelled too.
    await listed((request) => request.route === '/v1/completions' && request.state === 'cancelled' && request.error === 'client disconnected');
  });
});
