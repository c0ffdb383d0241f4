// The OpenAI routes against the real model over real sockets, called by the real clients, unchanged.
import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../../../testing/readSse.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import type { ChatCompletion, ChatCompletionChunk, CompletionChunk } from '../../../wire/openai.js';

let server: TestServer;
let openai: OpenAI;
let modelId: string;
const hf = new InferenceClient();

beforeAll(async () => {
  server = await startTestServer();
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
  modelId = server.backend.info().id;
});
afterAll(async () => {
  await server?.stop();
});
// Each test's generations end with it, even when it timed out.
afterEach(() => server?.settle());

const question = [{ role: 'user' as const, content: 'What is the capital of France?' }];
/** What the model answers to `question` with greedy decoding. */
const ANSWER = 'The capital of France is Paris.';

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function rawStream(path: string, body: unknown) {
  const response = await post(path, { ...body as object, stream: true });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const { events, raw } = await readSse(response);
  const data = events.map((event) => event.data);
  expect(data.at(-1)).toBe('[DONE]');
  return { raw, chunks: data.slice(0, -1).map((d) => JSON.parse(d) as unknown) };
}

describe('POST /v1/chat/completions with the openai client', () => {
  it('answers through the chat template, reporting the loaded model whatever model was asked for', async () => {
    const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages: question, temperature: 0 });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion._request_id).toBe(completion.id.replace('chatcmpl-', ''));
    expect(completion.model).toBe(modelId);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: ANSWER });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 17, completion_tokens: 8, total_tokens: 25 });
  });

  it('streams chunks: the role first, then the content, then finish_reason, then usage when asked', async () => {
    const stream = await openai.chat.completions.create({
      model: 'whatever',
      messages: question,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]!.id && chunk.model === modelId)).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(ANSWER);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.slice(0, -2).every((chunk) => chunk.choices[0]!.finish_reason === null && chunk.usage === null)).toBe(true);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: 17, completion_tokens: 8, total_tokens: 25 });
  });

  it("takes content as text parts, a system message and max_tokens ('length')", async () => {
    const completion = await openai.chat.completions.create({
      model: 'x',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: [{ type: 'text', text: 'What is the capital ' }, { type: 'text', text: 'of France?' }] },
      ],
      temperature: 0,
      max_tokens: 3,
    });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBe(3);
    expect(completion.choices[0]!.message.content).toMatch(/\S/);
    // The system message went through the template: the prompt is longer than the question alone (17).
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(17);
  });

  it('returns logprobs with top_logprobs for the returned tokens', async () => {
    const completion = await openai.chat.completions.create({ model: 'x', messages: question, temperature: 0, logprobs: true, top_logprobs: 2 });
    const content = completion.choices[0]!.logprobs!.content!;
    expect(content.map((entry) => entry.token).join('')).toBe(ANSWER);
    for (const entry of content) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.bytes).toEqual([...Buffer.from(entry.token)]);
      expect(entry.top_logprobs).toHaveLength(2);
      // Greedy: the chosen token is the most likely one.
      expect(entry.top_logprobs[0]!.token).toBe(entry.token);
      expect(entry.top_logprobs[0]!.logprob).toBeGreaterThanOrEqual(entry.top_logprobs[1]!.logprob);
    }
  });

  it('refuses n = 2 with a 422 the client raises as UnprocessableEntityError, with the message', async () => {
    const error = await openai.chat.completions.create({ model: 'x', messages: question, n: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    const apiError = error as InstanceType<typeof OpenAI.UnprocessableEntityError>;
    expect(apiError.status).toBe(422);
    expect(apiError.message).toBe('422 Input validation error: `n` must be 1: Brook generates one choice per request');
    expect(apiError.type).toBe('validation');
    expect(apiError.param).toBe('n');
  });
});

describe('OpenAI stop semantics', () => {
  it('leaves the stop sequence out, holding back text that may start it while streaming', async () => {
    const { chunks } = await rawStream('/v1/chat/completions', { messages: question, temperature: 0, stop: ['France is'] });
    const deltas = (chunks as ChatCompletionChunk[]).map((chunk) => chunk.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('The capital of ');
    expect(deltas.some((delta) => delta.includes('France'))).toBe(false);
    expect((chunks as ChatCompletionChunk[]).at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  it('sends held-back text once it is not a stop sequence after all', async () => {
    const { chunks } = await rawStream('/v1/chat/completions', { messages: question, temperature: 0, stop: ['France was', 'Lyon'] });
    expect((chunks as ChatCompletionChunk[]).map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(ANSWER);
  });

  it('cuts a stop sequence that ends inside a token (not streamed), as one string', async () => {
    const completion = (await (await post('/v1/chat/completions', { messages: question, temperature: 0, stop: ' Par' })).json()) as ChatCompletion;
    expect(completion.choices[0]).toMatchObject({ message: { content: 'The capital of France is' }, finish_reason: 'stop' });
  });
});

describe('streaming framing', () => {
  it('is `data: <JSON>\\n\\n` per chunk and exactly `data: [DONE]\\n\\n` at the end', async () => {
    const { raw } = await rawStream('/v1/chat/completions', { messages: question, temperature: 0, max_tokens: 4 });
    expect(raw).toMatch(/^(data: \{[^\n]*\}\n\n)+data: \[DONE\]\n\n$/);
    expect(raw.match(/\[DONE\]/g)).toHaveLength(1);
    const completion = await rawStream('/v1/completions', { prompt: 'Once upon a time', temperature: 0, max_tokens: 4 });
    expect(completion.raw).toMatch(/^(data: \{[^\n]*\}\n\n)+data: \[DONE\]\n\n$/);
  });

  it('answers errors before streaming with the real status and the OpenAI error shape', async () => {
    const response = await post('/v1/chat/completions', { messages: question, stream: true, temperature: 5 });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: { message: 'Input validation error: `temperature` must be >= 0 and <= 2', type: 'validation', param: 'temperature', code: 'validation' },
    });
    const tooLong = await post('/v1/completions', { prompt: 'Hi', max_tokens: 100_000 });
    expect(tooLong.status).toBe(422);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(/must be <= 2048/);
    const missing = await fetch(`${server.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe('not_found');
  });
});

describe('POST /v1/completions', () => {
  it('completes a raw prompt like TGI does, with the openai client, streamed or not', async () => {
    const tgi = (await (await post('/generate', { inputs: 'Once upon a time', parameters: { max_new_tokens: 10 } })).json()) as { generated_text: string };
    const completion = await openai.completions.create({ model: 'x', prompt: 'Once upon a time', max_tokens: 10, temperature: 0 });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0]).toMatchObject({ text: tgi.generated_text, finish_reason: 'length' });
    expect(completion.usage).toEqual({ prompt_tokens: 4, completion_tokens: 10, total_tokens: 14 });

    const stream = await openai.completions.create({ model: 'x', prompt: ['Once upon a time'], max_tokens: 10, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(tgi.generated_text);
  });

  it('returns legacy logprobs and echoes the prompt', async () => {
    const completion = await openai.completions.create({ model: 'x', prompt: 'Once upon a time', max_tokens: 5, temperature: 0, logprobs: 2, echo: true });
    const choice = completion.choices[0]!;
    expect(choice.text.startsWith('Once upon a time')).toBe(true);
    const logprobs = choice.logprobs!;
    expect(logprobs.tokens).toHaveLength(5);
    expect('Once upon a time' + logprobs.tokens!.join('')).toBe(choice.text);
    expect(logprobs.text_offset![0]).toBe('Once upon a time'.length);
    expect(logprobs.top_logprobs!.every((top) => Object.keys(top).length === 2)).toBe(true);
  });

  it('streams one chunk per token that also carries TGI fields', async () => {
    const { chunks } = await rawStream('/v1/completions', { prompt: 'Once upon a time', temperature: 0, max_tokens: 5, details: true });
    const typed = chunks as CompletionChunk[];
    expect(typed.map((chunk) => chunk.index)).toEqual([1, 2, 3, 4, 5]);
    expect(typed.map((chunk) => chunk.token!.text).join('')).toBe(typed.at(-1)!.generated_text);
    expect(typed.at(-1)!.details).toEqual({ finish_reason: 'length', generated_tokens: 5, seed: null, input_length: 4 });
    expect(typed.at(-1)!.choices[0]!.finish_reason).toBe('length');
  });
});

describe('@huggingface/inference', () => {
  it('chatCompletionStream and chatCompletion against the local URL', async () => {
    let text = '';
    for await (const chunk of hf.chatCompletionStream({ endpointUrl: server.url, messages: question, temperature: 0, max_tokens: 50 })) {
      if (chunk.choices && chunk.choices.length > 0) text += chunk.choices[0]!.delta.content ?? '';
    }
    expect(text).toBe(ANSWER);
    const completion = await hf.chatCompletion({ endpointUrl: server.url, messages: question, temperature: 0 });
    expect(completion.choices[0]!.message.content).toBe(ANSWER);
  });

  it('textGenerationStream (which calls /v1/completions) yields token.text and generated_text as from TGI', async () => {
    const tgi = (await (await post('/generate', { inputs: 'Once upon a time', parameters: { max_new_tokens: 8 } })).json()) as { generated_text: string };
    const outputs = [];
    for await (const output of hf.textGenerationStream({
      endpointUrl: server.url,
      inputs: 'Once upon a time',
      parameters: { max_new_tokens: 8, do_sample: false, details: true },
    })) {
      outputs.push(output);
    }
    expect(outputs).toHaveLength(8);
    expect(outputs.map((output) => output.token.text).join('')).toBe(tgi.generated_text);
    expect(outputs.at(-1)!.generated_text).toBe(tgi.generated_text);
    expect(outputs.at(-1)!.details).toMatchObject({ finish_reason: 'length', generated_tokens: 8 });

    const generated = await hf.textGeneration({ endpointUrl: server.url, inputs: 'Once upon a time', parameters: { max_new_tokens: 8, do_sample: false } });
    expect(generated.generated_text).toBe(tgi.generated_text);
  });

  it('raises a refused request as InferenceClientProviderApiError with the message and status', async () => {
    const error = await (async () => {
      for await (const chunk of hf.chatCompletionStream({ endpointUrl: server.url, messages: question, n: 2 })) void chunk;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceClientProviderApiError);
    expect((error as Error).message).toContain('`n` must be 1');
    expect((error as InferenceClientProviderApiError).httpResponse.status).toBe(422);
  });
});

describe('GET /v1/models and the OpenAPI document', () => {
  it('lists the loaded model', async () => {
    const models = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models).toEqual([{ id: modelId, object: 'model', created: expect.any(Number), owned_by: 'brook' }]);
    expect((await openai.models.retrieve(modelId)).id).toBe(modelId);
    await expect(openai.models.retrieve('gpt-4o')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('documents the /v1 routes with their schemas', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>> };
    for (const path of ['/v1/chat/completions', '/v1/completions', '/v1/models', '/metrics']) expect(doc.paths).toHaveProperty([path]);
    expect(doc.paths['/v1/chat/completions']!.post!.requestBody!.content['application/json']!.schema.properties).toHaveProperty('messages');
    expect(doc.paths['/v1/completions']!.post!.requestBody!.content['application/json']!.schema.properties).toHaveProperty('prompt');
  });
});
