// 429 `overloaded` on the OpenAI routes, as each real client raises it: a server that takes one request
// from other tools at a time, busy with a long stream.
import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';

let server: TestServer;
let busy: AbortController;
let busyDone: Promise<unknown>;
const hf = new InferenceClient();
const question = [{ role: 'user' as const, content: 'What is the capital of France?' }];

beforeAll(async () => {
  server = await startTestServer({ maxConcurrentRequests: 1, parallel: 1 });
  // The one allowed request: a long stream, read until its first chunk so that it is surely admitted.
  busy = new AbortController();
  const response = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: 1900, temperature: 0, stream: true }),
    signal: busy.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  await reader.read();
  busyDone = (async () => {
    while (!(await reader.read()).done);
  })().catch(() => undefined);
});
afterAll(async () => {
  busy?.abort();
  await busyDone;
  await server?.stop();
});

describe('a request past --max-concurrent-requests', () => {
  it('reaches the openai client as RateLimitError (429) with the message and type, streamed or not', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
    for (const stream of [false, true]) {
      const error = await openai.chat.completions.create({ model: 'x', messages: question, stream }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(rateLimit.status).toBe(429);
      expect(rateLimit.message).toBe('429 Model is overloaded');
      expect(rateLimit.type).toBe('overloaded');
    }
  });

  it("reaches @huggingface/inference's streaming calls as InferenceClientProviderApiError with the message and 429", async () => {
    const drain = async (stream: AsyncGenerator<unknown>) => {
      for await (const chunk of stream) void chunk;
    };
    for (const call of [
      () => drain(hf.chatCompletionStream({ endpointUrl: server.url, messages: question })),
      () => drain(hf.textGenerationStream({ endpointUrl: server.url, inputs: 'Hello', parameters: { max_new_tokens: 5 } })),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InferenceClientProviderApiError);
      expect((error as Error).message).toBe('Failed to perform inference: Model is overloaded');
      expect((error as InferenceClientProviderApiError).httpResponse.status).toBe(429);
    }
  });

  it('reaches its non-streaming calls as InferenceClientProviderApiError with 429 and the error in the body', async () => {
    // Its non-streaming path only prints a string `error` (TGI's shape); the OpenAI shape stays in the body.
    const error = await hf.chatCompletion({ endpointUrl: server.url, messages: question }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceClientProviderApiError);
    const { httpResponse } = error as InferenceClientProviderApiError;
    expect(httpResponse.status).toBe(429);
    expect(httpResponse.body).toEqual({ error: { message: 'Model is overloaded', type: 'overloaded', param: null, code: 'overloaded' } });
  });

  it('is listed in the request registry as an error, next to the running request', () => {
    const requests = server.requests.list();
    expect(requests[0]).toMatchObject({ route: '/v1/completions', state: 'generating' });
    expect(requests.filter((request) => request.state === 'error').every((request) => request.error === 'Model is overloaded')).toBe(true);
    expect(requests.filter((request) => request.state === 'error').length).toBeGreaterThanOrEqual(5);
  });
});
