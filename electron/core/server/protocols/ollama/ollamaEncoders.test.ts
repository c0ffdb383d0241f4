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

const withTools = { stops: [], withTools: true, withLogprobs: false };
const plain = { stops: [], withTools: false, withLogprobs: false };

describe('Ollama encoders with tool calls', () => {
  it('streams no call JSON as text: the calls come whole in one object before done', () => {
    const encoder = new OllamaStreamEncoder('chat', 'm', withTools, performance.now());
    const frames = [...encoder.start(), ...events.flatMap((event) => encoder.token(event)), ...encoder.end(end)].map((frame) => frame.data as OllamaChatResponse);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ done: false, message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] } });
    expect(frames[1]).toMatchObject({ done: true, done_reason: 'stop', eval_count: 3, prompt_eval_count: 20 });
    expect(frames[1]!.message.tool_calls).toBeUndefined();
  });

  it('streams the text of a model that answered instead of calling', () => {
    const encoder = new OllamaStreamEncoder('chat', 'm', withTools, performance.now());
    const frames = [token(1, 'It', [{ type: 'text', text: 'It' }]), token(2, ' is sunny', [{ type: 'text', text: ' is sunny' }])].flatMap((event) => encoder.token(event));
    expect(frames.map((frame) => (frame.data as OllamaChatResponse).message.content)).toEqual(['It', ' is sunny']);
    const last = encoder.end({ ...end, toolCalls: [] });
    expect(last).toHaveLength(1);
  });

  it('puts the calls in message.tool_calls of the whole response, with no text', () => {
    const encoder = new OllamaResponseEncoder('chat', 'm', withTools);
    for (const event of events) encoder.token(event);
    const { body } = encoder.end(end, { receivedAt: performance.now() - 50, admittedAt: performance.now() - 40 });
    expect(body).toMatchObject({ done: true, message: { content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] } });
  });

  it('reports durations in nanoseconds from the timings', () => {
    const encoder = new OllamaResponseEncoder('generate', 'm', plain);
    const { body } = encoder.end({ ...end, toolCalls: undefined }, { receivedAt: performance.now() - 50, admittedAt: performance.now() - 45 });
    expect(body).toMatchObject({ response: '', prompt_eval_duration: 10_000_000, eval_duration: 20_000_000 });
    const { load_duration: load, total_duration: total } = body as { load_duration: number; total_duration: number };
    expect(load).toBeGreaterThanOrEqual(1_000_000);
    expect(total).toBeGreaterThanOrEqual(50_000_000);
  });
});

describe('Ollama encoders with logprobs', () => {
  const scored = (index: number, text: string): TokenEvent => ({
    ...token(index, text),
    token: { id: index, text, logprob: -0.5, special: false },
    topTokens: [{ id: index, text, logprob: -0.5, special: false }, { id: 99, text: 'x', logprob: -2, special: false }],
  });

  it('streams each piece with the logprobs of the tokens that begin in it; the stop text is not sent', () => {
    const encoder = new OllamaStreamEncoder('generate', 'm', { stops: ['STOP'], withTools: false, withLogprobs: true }, performance.now());
    const frames = [scored(1, 'Hi'), scored(2, ' ST'), scored(3, 'OP')].flatMap((event) => encoder.token(event)).map((frame) => frame.data as { response: string; logprobs: { token: string }[] });
    expect(frames[0]).toMatchObject({ response: 'Hi', logprobs: [{ token: 'Hi', logprob: -0.5, bytes: [72, 105], top_logprobs: [{ token: 'Hi' }, { token: 'x', logprob: -2 }] }] });
    expect(frames.map((frame) => frame.response).join('')).toBe('Hi ');
    expect(frames.flatMap((frame) => frame.logprobs.map((entry) => entry.token))).toEqual(['Hi', ' ST']);
  });

  it('collects them in the whole response, and leaves the field out when not asked', () => {
    const encoder = new OllamaResponseEncoder('chat', 'm', { stops: [], withTools: false, withLogprobs: true });
    for (const event of [scored(1, 'Hi'), scored(2, ' there')]) encoder.token(event);
    const times = { receivedAt: performance.now(), admittedAt: performance.now() };
    expect((encoder.end({ ...end, toolCalls: undefined }, times).body as { logprobs: { token: string }[] }).logprobs.map((entry) => entry.token)).toEqual(['Hi', ' there']);
    const without = new OllamaResponseEncoder('chat', 'm', plain);
    without.token(scored(1, 'Hi'));
    expect(without.end({ ...end, toolCalls: undefined }, times).body).not.toHaveProperty('logprobs');
  });
});
