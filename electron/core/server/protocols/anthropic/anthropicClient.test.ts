// Python's `anthropic` client, unchanged, against the real server and model: messages.create, messages.stream,
// count_tokens, a tool round trip (tool_use, then tool_result), the key sent as x-api-key, and errors mapped to
// the client's exception classes. The model's words are never asserted: only what holds for any reply.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPython } from '../../../testing/missingPython.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import type { AnthropicMessage } from '../../../wire/anthropic.js';

const missing = missingPython('anthropicClient.test', ['anthropic']);

const KEY = 'anthropic-client-key';

// Asynchronous: the server under test runs in this process and must keep answering.
async function python<T>(script: string, url: string): Promise<T> {
  const { stdout } = await promisify(execFile)('python3', ['-c', `import json, sys\nimport anthropic\nclient = anthropic.Anthropic(base_url=sys.argv[1], api_key="${KEY}", max_retries=0)\n${script}`, url], {
    encoding: 'utf8',
    timeout: 170_000,
  });
  return JSON.parse(stdout) as T;
}

describe.skipIf(missing !== null)("Python's anthropic client", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ apiKey: KEY });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('messages.create and messages.stream give the same greedy reply, with usage that count_tokens agrees with', async () => {
    const result = await python<{
      created: { id: string; type: string; role: string; text: string; blocks: number; stop_reason: string; input: number; output: number };
      streamed: { pieces: string[]; text: string; stop_reason: string; output: number };
      counted: number;
    }>(
      `
# This client version has no temperature argument; extra_body sends it as older versions and other clients do.
kwargs = dict(model="claude-sonnet-4-5", max_tokens=24, system="You are brief.", extra_body={"temperature": 0},
              messages=[{"role": "user", "content": "What is the capital of France?"}])
m = client.messages.create(**kwargs)
with client.messages.stream(**kwargs) as stream:
    pieces = list(stream.text_stream)
    final = stream.get_final_message()
counted = client.messages.count_tokens(model="x", system=kwargs["system"], messages=kwargs["messages"])
print(json.dumps({
  "created": {"id": m.id, "type": m.type, "role": m.role, "text": m.content[0].text, "blocks": len(m.content),
              "stop_reason": m.stop_reason, "input": m.usage.input_tokens, "output": m.usage.output_tokens},
  "streamed": {"pieces": pieces, "text": final.content[0].text, "stop_reason": final.stop_reason, "output": final.usage.output_tokens},
  "counted": counted.input_tokens}))
`,
      server.url,
    );
    const { created, streamed, counted } = result;
    expect(created).toMatchObject({ type: 'message', role: 'assistant', blocks: 1 });
    expect(created.id).toMatch(/^msg_/);
    expect(created.text.length).toBeGreaterThan(0);
    expect(['end_turn', 'max_tokens']).toContain(created.stop_reason);
    expect(created.output).toBeGreaterThan(0);
    expect(created.output).toBeLessThanOrEqual(24);
    expect(counted).toBe(created.input);
    expect(streamed.pieces.length).toBeGreaterThan(0);
    expect(streamed.pieces.join('')).toBe(streamed.text);
    expect(streamed.text).toBe(created.text);
    expect(streamed.stop_reason).toBe(created.stop_reason);
    expect(streamed.output).toBe(created.output);
  });

  it('maps refusals to the client exceptions: 400 BadRequestError, 401 AuthenticationError', async () => {
    const result = await python<Record<string, { name: string; status: number; type: string; message: string }>>(
      `
def attempt(call):
    try:
        call()
        return None
    except anthropic.APIStatusError as error:
        return {"name": type(error).__name__, "status": error.status_code, "type": error.body["error"]["type"], "message": error.body["error"]["message"]}
ask = dict(model="x", max_tokens=8, messages=[{"role": "user", "content": "What's the weather in Paris?"}])
weather = {"name": "get_weather", "description": "Current weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
print(json.dumps({
  "hot": attempt(lambda: client.messages.create(extra_body={"temperature": 1.5}, **ask)),
  "tools": attempt(lambda: client.messages.create(tools=[weather], tool_choice={"type": "tool", "name": "get_time"}, **ask)),
  "key": attempt(lambda: anthropic.Anthropic(base_url=sys.argv[1], api_key="wrong", max_retries=0).messages.create(**ask)),
}))
`,
      server.url,
    );
    expect(result.hot).toMatchObject({ name: 'BadRequestError', status: 400, type: 'invalid_request_error' });
    expect(result.hot!.message).toMatch(/`temperature` must be >= 0 and <= 1/);
    expect(result.tools).toMatchObject({ name: 'BadRequestError', status: 400, type: 'invalid_request_error' });
    expect(result.tools!.message).toMatch(/`tool_choice` names the tool "get_time", which is not among `tools`/);
    expect(result.key).toMatchObject({ name: 'AuthenticationError', status: 401, type: 'authentication_error' });
  });

  it('makes a tool round trip: a tool_use whose input satisfies the schema, streamed or not, then an answer to the tool_result', async () => {
    const result = await python<{
      created: { stop_reason: string; blocks: { type: string; id?: string; name?: string; input?: Record<string, unknown> }[] };
      streamed: { stop_reason: string; blocks: { type: string; name?: string; input?: Record<string, unknown> }[]; json_deltas: number };
      answer: { stop_reason: string; types: string[]; text: string };
    }>(
      `
weather = {"name": "get_weather", "description": "The current weather in a city",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
messages = [{"role": "user", "content": "What is the weather in Paris?"}]
kwargs = dict(model="x", max_tokens=60, tools=[weather], tool_choice={"type": "any", "disable_parallel_tool_use": True}, messages=messages, extra_body={"temperature": 0})
m = client.messages.create(**kwargs)
json_deltas = 0
with client.messages.stream(**kwargs) as stream:
    for event in stream:
        if event.type == "content_block_delta" and event.delta.type == "input_json_delta":
            json_deltas += 1
    final = stream.get_final_message()
results = [{"type": "tool_result", "tool_use_id": block.id, "content": "18 degrees and sunny"} for block in m.content if block.type == "tool_use"]
answer = client.messages.create(model="x", max_tokens=30, tools=[weather], extra_body={"temperature": 0}, messages=messages + [
    {"role": "assistant", "content": m.content},
    {"role": "user", "content": results},
])
print(json.dumps({
  "created": {"stop_reason": m.stop_reason, "blocks": [block.model_dump() for block in m.content]},
  "streamed": {"stop_reason": final.stop_reason, "blocks": [block.model_dump() for block in final.content], "json_deltas": json_deltas},
  "answer": {"stop_reason": answer.stop_reason, "types": [block.type for block in answer.content],
             "text": "".join(block.text for block in answer.content if block.type == "text")},
}))
`,
      server.url,
    );
    const { created, streamed, answer } = result;
    expect(created.stop_reason).toBe('tool_use');
    const calls = created.blocks.filter((block) => block.type === 'tool_use');
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.name).toBe('get_weather');
      expect(call.id).toMatch(/\S/);
      expect(typeof call.input!.city).toBe('string');
    }
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.json_deltas).toBeGreaterThan(0);
    // Not compared with the unstreamed reply: a reused prompt prefix can change the greedy choice inside the JSON.
    const streamedCalls = streamed.blocks.filter((block) => block.type === 'tool_use');
    expect(streamedCalls).toHaveLength(1);
    expect(streamedCalls[0]!.name).toBe('get_weather');
    expect(typeof streamedCalls[0]!.input!.city).toBe('string');
    // With tool_choice left to "auto", the model may answer or call again; either way the reply is well-formed.
    expect(['end_turn', 'max_tokens', 'tool_use']).toContain(answer.stop_reason);
    if (answer.stop_reason === 'end_turn') expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.types.every((type) => type === 'text' || type === 'tool_use')).toBe(true);
  });

  it('counts the tools, described through the chat template, in count_tokens', async () => {
    const count = async (extra: object) => {
      const response = await fetch(`${server.url}/v1/messages/count_tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY },
        body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'What is the weather in Paris?' }], ...extra }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { input_tokens: number }).input_tokens;
    };
    const weather = { name: 'get_weather', description: 'The current weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    expect(await count({ tools: [weather] })).toBeGreaterThan(await count({}));
  });

  it('answers in JSON that satisfies output_config.format\'s schema', async () => {
    const result = await python<{ text: string; stop_reason: string }>(
      `
schema = {"type": "object", "properties": {"city": {"type": "string"}, "country": {"type": "string"}}, "required": ["city", "country"], "additionalProperties": False}
m = client.messages.create(model="x", max_tokens=60, messages=[{"role": "user", "content": "Name a city and its country."}],
                           output_config={"format": {"type": "json_schema", "schema": schema}}, extra_body={"temperature": 0})
print(json.dumps({"text": m.content[0].text, "stop_reason": m.stop_reason}))
`,
      server.url,
    );
    expect(result.stop_reason).toBe('end_turn');
    const parsed = JSON.parse(result.text) as { city: unknown; country: unknown };
    expect(typeof parsed.city).toBe('string');
    expect(typeof parsed.country).toBe('string');
  });
});

describe('a max_tokens past what the context leaves', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ contextSize: 128, parallel: 1 });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('is a ceiling: the reply gets the room the prompt leaves, and a reply that fills it says model_context_window_exceeded', async () => {
    const response = await fetch(`${small.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', max_tokens: 32_000, temperature: 0, messages: [{ role: 'user', content: 'Write a long story about a dragon who bakes bread.' }] }),
    });
    expect(response.status).toBe(200);
    const message = (await response.json()) as AnthropicMessage;
    const context = small.backend.info().contextSize;
    expect(message.usage.input_tokens + message.usage.output_tokens).toBeLessThanOrEqual(context);
    // A tiny model may end its story early; a reply that ran to the end of the context must say so.
    expect(['end_turn', 'model_context_window_exceeded']).toContain(message.stop_reason);
    if (message.usage.input_tokens + message.usage.output_tokens === context) expect(message.stop_reason).toBe('model_context_window_exceeded');
  });
});
