// The stream encoder on chosen events: output items, their indices and order for a tools reply of text only
// and of calls only; the SDKs' accumulators index items by output_index.
import { describe, expect, it } from 'vitest';
import type { EndEvent, TokenEvent, ToolCallDelta } from '../../../wire/generation.js';
import type { ResponsesResponse } from '../../../wire/responses.js';
import { ResponsesStreamEncoder } from './ResponsesStreamEncoder.js';
import { responseShell } from './responseShell.js';

const token = (index: number, toolCallDeltas: ToolCallDelta[]): TokenEvent => ({
  type: 'token',
  index,
  token: { id: index, text: 'x', logprob: null, special: false },
  last: false,
  toolCallDeltas,
});
const end = (toolCalls: EndEvent['toolCalls'] = []): EndEvent => ({
  type: 'end',
  generatedText: '',
  finishReason: 'eos_token',
  generatedTokens: 3,
  seed: null,
  inputLength: 10,
  stopSequence: null,
  cancelled: false,
  timings: { queueMs: 0, firstTokenMs: 0, generationMs: 0, reusedPromptTokens: 4 },
  toolCalls,
});

function run(events: (TokenEvent | EndEvent)[]): Record<string, unknown>[] {
  const encoder = new ResponsesStreamEncoder(responseShell('1', 'm', { input: 'hi' }), true);
  const frames = [...encoder.start()];
  for (const event of events) frames.push(...(event.type === 'token' ? encoder.token(event) : encoder.end(event)));
  frames.forEach((frame, index) => expect(frame.data).toMatchObject({ type: frame.event, sequence_number: index }));
  return frames.map((frame) => frame.data as Record<string, unknown>);
}

describe('ResponsesStreamEncoder with tools', () => {
  it('opens the message with the first text when the model answers instead of calling', () => {
    const events = run([token(1, [{ type: 'text', text: 'Hi' }]), end()]);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const response = events.at(-1)!.response as ResponsesResponse;
    expect(response.output).toEqual([{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [] }] }]);
    expect(response.usage!.input_tokens_details.cached_tokens).toBe(4);
  });

  it('gives each call its own function_call item with argument deltas, and no empty message', () => {
    const calls = [
      { id: 'call_a', name: 'f', arguments: '{"x": 1}' },
      { id: 'call_b', name: 'g', arguments: '{}' },
    ];
    const events = run([
      token(1, [{ type: 'call', index: 0, id: 'call_a', name: 'f' }]),
      token(2, [{ type: 'arguments', index: 0, text: '{"x":' }]),
      token(3, [{ type: 'arguments', index: 0, text: ' 1}' }, { type: 'call', index: 1, id: 'call_b', name: 'g' }, { type: 'arguments', index: 1, text: '{}' }]),
      end(calls),
    ]);
    expect(events.map((e) => `${String(e.type)}${e.output_index === undefined ? '' : `@${String(e.output_index)}`}`)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added@0',
      'response.function_call_arguments.delta@0',
      'response.function_call_arguments.delta@0',
      'response.function_call_arguments.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.function_call_arguments.delta@1',
      'response.function_call_arguments.done@1',
      'response.output_item.done@1',
      'response.completed',
    ]);
    expect(events[5]).toMatchObject({ item_id: 'fc_call_a', name: 'f', arguments: '{"x": 1}' });
    expect((events.at(-1)!.response as ResponsesResponse).output).toEqual([
      { type: 'function_call', id: 'fc_call_a', call_id: 'call_a', name: 'f', arguments: '{"x": 1}', status: 'completed' },
      { type: 'function_call', id: 'fc_call_b', call_id: 'call_b', name: 'g', arguments: '{}', status: 'completed' },
    ]);
  });
});
