// The Ollama encoders on chosen events: a reply that calls tools (which the bundled model may or may not choose
// to do) streams its text, then the calls whole, then done; the whole response carries them in message.tool_calls.
import { describe, expect, it } from 'vitest';
import type { EndEvent, TokenEvent, ToolCallDelta } from '../../../wire/generation.js';
import type { OllamaChatResponse } from '../../../wire/ollama.js';
import { OllamaResponseEncoder } from './OllamaResponseEncoder.js';
import { OllamaStreamEncoder } from './OllamaStreamEncoder.js';

const token = (index: number, text: string, toolCallDeltas?: ToolCallDelta[]): TokenEvent => ({
  type: 'token',
  index,
  token: { id: index, text, logprob: null, special: false },
  last: false,
  ...(toolCallDeltas ? { toolCallDeltas } : {}),
});

const end: EndEvent = {
  type: 'end',
  generatedText: '{"name": "get_weather", "arguments": {"city": "Paris"}}',
  finishReason: 'eos_token',
  generatedTokens: 3,
  seed: null,
  inputLength: 20,
  stopSequence: null,
  cancelled: false,
  timings: { queueMs: 1, firstTokenMs: 10, generationMs: 30, reusedPromptTokens: 0 },
  toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Paris"}' }],
};

// The engine's reading of the generated text: undecided, then a call and its argument fragments.
const events = [
  token(1, '{"name": "get_weather", ', []),
  token(2, '"arguments": {"city": ', [{ type: 'call', index: 0, id: 'call_1', name: 'get_weather' }, { type: 'arguments', index: 0, text: '{"city": ' }]),
  token(3, '"Paris"}}', [{ type: 'arguments', index: 0, text: '"Paris"}' }]),
];

describe('Ollama encoders with tool calls', () => {
  it('streams no call JSON as text: the calls come whole in one object before done', () => {
    const encoder = new OllamaStreamEncoder('chat', 'm', [], performance.now(), true);
    const frames = [...encoder.start(), ...events.flatMap((event) => encoder.token(event)), ...encoder.end(end)].map((frame) => frame.data as OllamaChatResponse);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ done: false, message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] } });
    expect(frames[1]).toMatchObject({ done: true, done_reason: 'stop', eval_count: 3, prompt_eval_count: 20 });
    expect(frames[1]!.message.tool_calls).toBeUndefined();
  });

  it('streams the text of a model that answered instead of calling', () => {
    const encoder = new OllamaStreamEncoder('chat', 'm', [], performance.now(), true);
    const frames = [token(1, 'It', [{ type: 'text', text: 'It' }]), token(2, ' is sunny', [{ type: 'text', text: ' is sunny' }])].flatMap((event) => encoder.token(event));
    expect(frames.map((frame) => (frame.data as OllamaChatResponse).message.content)).toEqual(['It', ' is sunny']);
    const last = encoder.end({ ...end, toolCalls: [] });
    expect(last).toHaveLength(1);
  });

  it('puts the calls in message.tool_calls of the whole response, with no text', () => {
    const encoder = new OllamaResponseEncoder('chat', 'm', [], true);
    for (const event of events) encoder.token(event);
    const { body } = encoder.end(end, { receivedAt: performance.now() - 50, admittedAt: performance.now() - 40 });
    expect(body).toMatchObject({ done: true, message: { content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] } });
  });

  it('reports durations in nanoseconds from the timings', () => {
    const encoder = new OllamaResponseEncoder('generate', 'm', [], false);
    const { body } = encoder.end({ ...end, toolCalls: undefined }, { receivedAt: performance.now() - 50, admittedAt: performance.now() - 45 });
    expect(body).toMatchObject({ response: '', prompt_eval_duration: 10_000_000, eval_duration: 20_000_000 });
    const { load_duration: load, total_duration: total } = body as { load_duration: number; total_duration: number };
    expect(load).toBeGreaterThanOrEqual(1_000_000);
    expect(total).toBeGreaterThanOrEqual(50_000_000);
  });
});
