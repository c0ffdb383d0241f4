// Ollama's real clients, unchanged, against the real server and the bundled model: npm `ollama` and Python
// `ollama` (chat, generate, format, tools, embed, list, show, ps, version, streamed and not, errors), and the requests VS Code's
// Ollama provider makes before it chats over /v1/chat/completions. Assertions hold for any text the model writes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPython } from '../../../testing/missingPython.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';
import { OLLAMA_COMPATIBLE_VERSION } from './ollamaRoutes.js';

const missing = missingPython('ollamaClients.test', ['ollama']);

// Asynchronous: the server under test runs in this process and must keep answering.
async function python(script: string, url: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)('python3', ['-c', script, url], { encoding: 'utf8', timeout: 180_000 });
  return JSON.parse(stdout);
}

/** Greedy and short: repeatable on one machine, quick on a loaded one. */
const options = { temperature: 0, num_predict: 8 };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('npm ollama client', () => {
  it('chats streamed and not: the same greedy reply, ended with done, done_reason and counts', async () => {
    const ollama = new Ollama({ host: server.url });
    const messages = [{ role: 'user', content: 'Name a colour.' }];
    const whole = await ollama.chat({ model: 'brook', messages, options, stream: false });
    let streamed = '';
    let last: Awaited<typeof whole> | undefined;
    for await (const part of await ollama.chat({ model: 'brook', messages, options, stream: true })) {
      streamed += part.message.content;
      last = part;
    }
    expect(streamed).toBe(whole.message.content);
    expect(whole.message.role).toBe('assistant');
    for (const reply of [whole, last!]) {
      expect(reply.done).toBe(true);
      expect(['stop', 'length']).toContain(reply.done_reason);
      expect(reply.eval_count).toBeGreaterThan(0);
      expect(reply.eval_count).toBeLessThanOrEqual(8);
      if (reply.done_reason === 'length') expect(reply.eval_count).toBe(8);
      expect(reply.prompt_eval_count).toBeGreaterThan(0);
      expect(reply.total_duration).toBeGreaterThan(0);
    }
  }, 120_000);

  it('generates streamed and not, raw and through the chat template', async () => {
    const ollama = new Ollama({ host: server.url });
    const whole = await ollama.generate({ model: 'brook', prompt: 'The capital of France is', raw: true, options, stream: false });
    let streamed = '';
    for await (const part of await ollama.generate({ model: 'brook', prompt: 'The capital of France is', raw: true, options, stream: true })) streamed += part.response;
    expect(streamed).toBe(whole.response);
    expect(whole.eval_count).toBeLessThanOrEqual(8);
    const templated = await ollama.generate({ model: 'brook', system: 'Answer briefly.', prompt: 'Hello', options, stream: false });
    expect(templated.done).toBe(true);
    const scored = await ollama.generate({ model: 'brook', prompt: 'The capital of France is', raw: true, options, logprobs: true, top_logprobs: 2, stream: false });
    expect(scored.response).toBe(whole.response);
    expect(scored.logprobs!.map((entry) => entry.token).join('')).toBe(scored.response);
    for (const entry of scored.logprobs!) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(2);
    }
  }, 120_000);

  it('lists, shows, reports the running model and the version', async () => {
    const ollama = new Ollama({ host: server.url });
    const { models } = await ollama.list();
    expect(models).toHaveLength(1);
    const name = models[0]!.model;
    expect(name).toMatch(/:latest$/);
    expect(models[0]).toMatchObject({ name, details: { format: 'gguf', family: 'llama', quantization_level: 'Q4_1' } });
    expect(models[0]!.size).toBeGreaterThan(0);
    const shown = await ollama.show({ model: name });
    expect(shown.capabilities).toEqual(['completion', 'tools']);
    expect(shown.template).toContain('im_start');
    const running = await ollama.ps();
    expect(running.models[0]).toMatchObject({ model: name, context_length: server.backend.info().contextSize });
    expect(await ollama.version()).toEqual({ version: OLLAMA_COMPATIBLE_VERSION });
  }, 60_000);

  it('answers in JSON for format "json" and in the schema for a format schema, streamed and not', async () => {
    const ollama = new Ollama({ host: server.url });
    const messages = [{ role: 'user', content: 'Describe a cat as JSON.' }];
    const json = await ollama.chat({ model: 'brook', messages, format: 'json', options: { temperature: 0, num_predict: 48 }, stream: false });
    if (json.done_reason === 'stop') expect(typeof JSON.parse(json.message.content)).toBe('object');
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    let streamed = '';
    let reason: string | undefined;
    for await (const part of await ollama.chat({ model: 'brook', messages, format: schema, options: { temperature: 0, num_predict: 64 }, stream: true })) {
      streamed += part.message.content;
      reason = part.done_reason ?? reason;
    }
    // A reply cut at num_predict is unfinished JSON; a finished one always matches the schema.
    if (reason === 'stop') {
      const value = JSON.parse(streamed) as { name: unknown; age: unknown };
      expect(typeof value.name).toBe('string');
      expect(Number.isInteger(value.age)).toBe(true);
    }
  }, 180_000);

  it('calls tools with arguments valid for their schema, and answers after a tool result', async () => {
    const ollama = new Ollama({ host: server.url });
    const tools = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    ];
    const asked = { role: 'user', content: 'What is the weather in Paris? Use the tool.' };
    const first = await ollama.chat({ model: 'brook', messages: [asked], tools, options: { temperature: 0, num_predict: 48 }, stream: false });
    // The model chooses between text and calls; whichever it chose is well-formed.
    for (const call of first.message.tool_calls ?? []) {
      expect(call.function.name).toBe('get_weather');
      expect(typeof call.function.arguments.city).toBe('string');
    }
    const called = { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] };
    const result = { role: 'tool', content: '{"temperature": 21, "sky": "clear"}', tool_name: 'get_weather' };
    let answer = '';
    let done = false;
    for await (const part of await ollama.chat({ model: 'brook', messages: [asked, called, result], tools, options: { temperature: 0, num_predict: 16 }, stream: true })) {
      answer += part.message.content;
      done = part.done;
    }
    expect(done).toBe(true);
    expect(typeof answer).toBe('string');
  }, 180_000);

  it('embeds with the model: one unit vector per input', async () => {
    const ollama = new Ollama({ host: server.url });
    const { embeddings, prompt_eval_count } = await ollama.embed({ model: 'brook', input: ['The sky is blue.', 'Grass is green.'] });
    expect(embeddings).toHaveLength(2);
    expect(embeddings[0]!.length).toBeGreaterThan(0);
    expect(Math.hypot(...embeddings[0]!)).toBeCloseTo(1, 3);
    expect(embeddings[0]).not.toEqual(embeddings[1]);
    expect(prompt_eval_count).toBeGreaterThan(0);
  }, 120_000);

  it('raises ResponseError with the status and the message of a refused request', async () => {
    const ollama = new Ollama({ host: server.url });
    const refused = ollama.chat({ model: 'brook', messages: [{ role: 'user', content: 'hi' }], options: { mirostat: 1 }, stream: false });
    await expect(refused).rejects.toMatchObject({ name: 'ResponseError', status_code: 400, error: expect.stringMatching(/options\.mirostat/) });
  });
});

describe("VS Code's Ollama provider", () => {
  it('finds the model through version, tags and show, then chats on /v1/chat/completions', async () => {
    // Its version check compares dot-separated numbers with its minimum, 0.6.4.
    const { version } = (await (await fetch(`${server.url}/api/version`)).json()) as { version: string };
    const parts = version.split('.').map((part) => parseInt(part, 10));
    expect(parts.every(Number.isInteger)).toBe(true);
    expect(parts[0]! * 1e6 + parts[1]! * 1e3 + parts[2]!).toBeGreaterThanOrEqual(6004);

    const { models } = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: { model: string }[] };
    const model = models[0]!.model;
    const show = (await (
      await fetch(`${server.url}/api/show`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model }) })
    ).json()) as { capabilities: string[]; model_info: Record<string, unknown> };
    // What it reads: the context window under `<architecture>.context_length`, the name, vision and tools.
    const architecture = show.model_info['general.architecture'] as string;
    expect(show.model_info[`${architecture}.context_length`]).toBe(server.backend.info().contextSize);
    expect(typeof show.model_info['general.basename']).toBe('string');
    expect(show.capabilities).toContain('completion');
    expect(show.capabilities).not.toContain('vision');

    const chat = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6, temperature: 0 }),
    });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toEqual(expect.any(String));
  }, 60_000);
});

describe.skipIf(missing !== null)('Python ollama client', () => {
  it('chats, generates, lists and shows, streamed and not, and raises ResponseError on a bad request', async () => {
    const result = (await python(
      `
import json, sys
from ollama import Client, ResponseError
client = Client(host=sys.argv[1])
options = {"temperature": 0, "num_predict": 8}
messages = [{"role": "user", "content": "Name a colour."}]
whole = client.chat(model="brook", messages=messages, options=options)
parts = list(client.chat(model="brook", messages=messages, options=options, stream=True))
generated = client.generate(model="brook", prompt="Once upon a time", raw=True, options=options)
generated_parts = list(client.generate(model="brook", prompt="Once upon a time", raw=True, options=options, stream=True))
schema = {"type": "object", "properties": {"colour": {"type": "string"}}, "required": ["colour"]}
structured = client.chat(model="brook", messages=messages, format=schema, options={"temperature": 0, "num_predict": 48})
def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
      city: the city
    """
    return "sunny"
with_tools = client.chat(model="brook", messages=[{"role": "user", "content": "Weather in Paris?"}], tools=[get_weather], options={"temperature": 0, "num_predict": 48})
calls = [{"name": c.function.name, "arguments": dict(c.function.arguments)} for c in (with_tools.message.tool_calls or [])]
embedded = client.embed(model="brook", input=["hello", "world"])
listed = client.list()
shown = client.show(listed.models[0].model)
running = client.ps()
try:
    client.chat(model="brook", messages=messages, options={"num_ctx": 10**9})
    error = None
except ResponseError as e:
    error = {"status": e.status_code, "message": e.error}
print(json.dumps({
  "whole": whole.message.content, "streamed": "".join(p.message.content for p in parts),
  "done": parts[-1].done, "reason": parts[-1].done_reason, "eval_count": whole.eval_count,
  "generated": generated.response, "generated_streamed": "".join(p.response for p in generated_parts),
  "models": [m.model for m in listed.models], "capabilities": shown.capabilities,
  "architecture": shown.modelinfo["general.architecture"], "running": [m.model for m in running.models],
  "error": error, "structured": structured.message.content, "structured_reason": structured.done_reason,
  "calls": calls, "embeddings": len(embedded.embeddings),
}))
`,
      server.url,
    )) as Record<string, unknown>;
    expect(result.streamed).toBe(result.whole);
    expect(result.generated_streamed).toBe(result.generated);
    expect(result.done).toBe(true);
    expect(['stop', 'length']).toContain(result.reason);
    expect(result.eval_count).toBeLessThanOrEqual(8);
    expect(result.models).toHaveLength(1);
    expect(result.running).toEqual(result.models);
    expect(result.capabilities).toEqual(['completion', 'tools']);
    if (result.structured_reason === 'stop') expect(typeof (JSON.parse(result.structured as string) as { colour: unknown }).colour).toBe('string');
    for (const call of result.calls as { name: string; arguments: { city?: unknown } }[]) {
      expect(call.name).toBe('get_weather');
      expect(typeof call.arguments.city).toBe('string');
    }
    expect(result.embeddings).toBe(2);
    expect(result.architecture).toBe('llama');
    expect(result.error).toMatchObject({ status: 400, message: expect.stringMatching(/num_ctx/) });
  }, 180_000);
});
