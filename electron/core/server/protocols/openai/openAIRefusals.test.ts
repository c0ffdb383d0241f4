// Every request field Brook cannot honour is refused with 422 saying what it does instead, on the OpenAI and
// TGI routes, and the schemas behind tools, structured output and embeddings are in /openapi.json.
// Refusals happen before admission: the scripted backend serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedBackend } from '../../../backends/scripted/ScriptedBackend.js';
import { Script } from '../../../backends/scripted/ScriptFile.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';

let server: TestServer<ScriptedBackend>;
beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(new Script({ tokensPerSecond: 1000 }), 16) });
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const messages = [{ role: 'user', content: 'hi' }];

async function refused(path: string, body: unknown, message: RegExp): Promise<void> {
  const response = await post(path, body);
  expect(response.status).toBe(422);
  const text = await response.text();
  expect(text).toMatch(message);
}

describe('fields Brook cannot honour', () => {
  it('are refused with 422 on /v1/chat/completions, saying what to do instead', async () => {
    await refused('/v1/chat/completions', { messages, presence_penalty: 0.5 }, /use `frequency_penalty`/);
    await refused('/v1/chat/completions', { messages, logit_bias: { '42': 5 } }, /`logit_bias` is not supported/);
    await refused('/v1/chat/completions', { messages, functions: [{ name: 'f' }] }, /send `tools`/);
    await refused('/v1/chat/completions', { messages, modalities: ['text', 'audio'] }, /`modalities` must be \[\\"text\\"\]/);
    await refused('/v1/chat/completions', { messages, store: true }, /does not store/);
    await refused('/v1/chat/completions', { messages, reasoning_effort: 'high' }, /reasoning_effort/);
    // Their neutral values pass.
    expect((await post('/v1/chat/completions', { messages, presence_penalty: 0, logit_bias: {}, store: false, modalities: ['text'], max_tokens: 2 })).status).toBe(200);
  });

  it('are refused with 422 on the TGI routes and /v1/completions', async () => {
    await refused('/generate', { inputs: 'hi', parameters: { watermark: true } }, /does not watermark/);
    await refused('/generate', { inputs: 'hi', parameters: { decoder_input_details: true } }, /no prompt-token details/);
    await refused('/v1/completions', { prompt: 'hi', watermark: true }, /does not watermark/);
  });

  it('bad grammars, schemas and tool requests get 422 naming the problem', async () => {
    await refused('/generate', { inputs: 'hi', parameters: { grammar: { type: 'regex', value: '(a)\\1' } } }, /back-references/);
    await refused('/generate', { inputs: 'hi', parameters: { grammar: { type: 'json', value: { type: 'string', format: 'email', pattern: 'x' } } } }, /`pattern`/);
    await refused('/generate', { inputs: 'hi', parameters: { grammar: { type: 'json', value: '{oops' } } }, /not JSON/);
    await refused('/generate', { inputs: 'hi', parameters: { grammar: { type: 'xml', value: '' } } }, /`grammar` must be/);
    await refused('/v1/chat/completions', { messages, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'number', multipleOf: 3 } } } } } }, /`multipleOf`/);
    await refused('/v1/chat/completions', { messages, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', required: 'a' } } } }, /not a valid JSON Schema/);
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
    await refused('/v1/chat/completions', { messages, tools: [tool], tool_choice: { type: 'function', function: { name: 'nope' } } }, /nope.{0,4}, which is not among `tools`/);
    await refused('/v1/chat/completions', { messages, tools: [tool, tool] }, /two functions named .{0,2}get_weather/);
    await refused('/v1/chat/completions', { messages, tool_choice: 'required' }, /`tool_choice` needs `tools`/);
    await refused('/v1/chat/completions', { messages, tools: [tool], response_format: { type: 'json_object' } }, /cannot be combined/);
    await refused('/v1/embeddings', { input: [1, 2, 3] }, /token ids is not supported/);
  });

  it('/openapi.json lists embeddings, tools, response_format and grammar', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/v1/embeddings');
    const text = JSON.stringify(document);
    for (const name of ['tool_choice', 'parallel_tool_calls', 'response_format', 'json_schema', 'tool_calls', 'tool_call_id', 'GrammarType', 'encoding_format']) expect(text).toContain(name);
  });
});
