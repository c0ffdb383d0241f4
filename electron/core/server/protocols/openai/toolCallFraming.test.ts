// How tool calls are framed on /v1/chat/completions, with chosen text on the scripted backend (which reads a
// tools reply in ChatWrapper's default call syntax): two parallel calls, streamed as OpenAI streams them and
// reassembled by the `openai` client, and the same calls in a whole response.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedBackend } from '../../../backends/scripted/ScriptedBackend.js';
import { Script } from '../../../backends/scripted/ScriptFile.js';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';

const CALLS = '||call: get_weather({"city": "Paris"})\n||call: get_weather({"city": "Rome"})';
let server: TestServer<ScriptedBackend>;
let openai: OpenAI;
beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(new Script({ tokensPerSecond: 1000, replies: [{ when: 'weather', text: CALLS }] }), 16) });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
});

const request = {
  model: 'brook',
  messages: [{ role: 'user' as const, content: 'What is the weather in Paris and Rome?' }],
  tools: [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  tool_choice: 'required' as const,
};

describe('tool-call framing', () => {
  it('streams each call as a first delta with id, type and name, then argument fragments', async () => {
    const runner = openai.chat.completions.stream(request);
    const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    runner.on('chunk', (chunk) => deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? [])));
    const completion = await runner.finalChatCompletion();
    const calls = completion.choices[0]!.message.tool_calls!;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(calls.map((call) => (call.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : null))).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Rome' }],
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    const starts = deltas.filter((delta) => delta.id);
    expect(starts).toEqual([
      { index: 0, id: calls[0]!.id, type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: calls[1]!.id, type: 'function', function: { name: 'get_weather', arguments: '' } },
    ]);
    expect(deltas.filter((delta) => !delta.id && delta.index === 0).length).toBeGreaterThan(1);
    expect(completion.choices[0]!.message.content ?? '').toBe('');
  });

  it('answers a whole response with tool_calls and null content', async () => {
    const completion = await openai.chat.completions.create(request);
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.content).toBeNull();
    expect(message.tool_calls).toHaveLength(2);
  });
});
