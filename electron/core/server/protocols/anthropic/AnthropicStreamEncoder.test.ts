// The stream encoder on chosen events: block indices and order for a tools reply of text only, of calls only,
// and of a call cut off by max_tokens; the Python SDK's accumulator depends on each index.
import { describe, expect, it } from 'vitest';
import type { EndEvent, TokenEvent, ToolCallDelta } from '../../../wire/generation.js';
import { AnthropicStreamEncoder } from './AnthropicStreamEncoder.js';
import { messageHead } from './anthropicShapes.js';

const token = (index: number, text: string, toolCallDeltas: ToolCallDelta[]): TokenEvent => ({
  type: 'token',
  index,
  token: { id: index, text, logprob: null, special: false },
  last: false,
  toolCallDeltas,
});
const end = (generatedTokens: number, finishReason: EndEvent['finishReason'], toolCalls: EndEvent['toolCalls'] = []): EndEvent => ({
  type: 'end',
  generatedText: '',
  finishReason,
  generatedTokens,
  seed: null,
  inputLength: 10,
  stopSequence: null,
  cancelled: false,
  timings: { queueMs: 0, firstTokenMs: 0, generationMs: 0, reusedPromptTokens: 0 },
  toolCalls,
});

function run(events: (TokenEvent | EndEvent)[], maxTokens = 100): { event: string | undefined; data: Record<string, unknown> }[] {
  const encoder = new AnthropicStreamEncoder(messageHead('1', 'm', 10), [], maxTokens, true);
  const frames = [...encoder.start()];
  for (const event of events) frames.push(...(event.type === 'token' ? encoder.token(event) : encoder.end(event)));
  return frames.map((frame) => ({ event: frame.event, data: frame.data as Record<string, unknown> }));
}

describe('AnthropicStreamEncoder with tools', () => {
  it('opens the text block with the first text when the model answers instead of calling', () => {
    const frames = run([token(1, 'Hi', [{ type: 'text', text: 'Hi' }]), token(2, ' there', [{ type: 'text', text: ' there' }]), end(2, 'eos_token')]);
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(frames[2]!.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(frames.at(-2)!.data.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
  });

  it('gives each call its own tool_use block, numbered from 0, with input_json_delta fragments', () => {
    const calls = [
      { id: 'call_a', name: 'f', arguments: '{"x": 1}' },
      { id: 'call_b', name: 'g', arguments: '{}' },
    ];
    const frames = run([
      token(1, '<call>', [{ type: 'call', index: 0, id: 'call_a', name: 'f' }]),
      token(2, '{"x":', [{ type: 'arguments', index: 0, text: '{"x":' }]),
      token(3, ' 1}', [{ type: 'arguments', index: 0, text: ' 1}' }]),
      token(4, '<call>', [{ type: 'call', index: 1, id: 'call_b', name: 'g' }, { type: 'arguments', index: 1, text: '{}' }]),
      end(4, 'eos_token', calls),
    ]);
    const blocks = frames.filter((f) => f.event === 'content_block_start').map((f) => f.data);
    expect(blocks).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_a', name: 'f', input: {} } },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_b', name: 'g', input: {} } },
    ]);
    const json = (index: number) =>
      frames.filter((f) => f.event === 'content_block_delta' && f.data.index === index).map((f) => (f.data.delta as { partial_json: string }).partial_json).join('');
    expect(json(0)).toBe('{"x": 1}');
    expect(json(1)).toBe('{}');
    expect(frames.filter((f) => f.event === 'content_block_stop').map((f) => f.data.index)).toEqual([0, 1]);
    expect(frames.at(-2)!.data.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('says max_tokens for a call cut off at the budget, and still closes its block', () => {
    const frames = run([token(1, '<call>', [{ type: 'call', index: 0, id: 'call_a', name: 'f' }]), token(2, '{"x', [{ type: 'arguments', index: 0, text: '{"x' }]), end(2, 'length', [{ id: 'call_a', name: 'f', arguments: '{"x' }])], 2);
    expect(frames.map((f) => f.event).slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(frames.at(-2)!.data.delta).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
  });
});
