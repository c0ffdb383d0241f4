// Pieces both Anthropic encoders share: the message as it starts, stop reasons and usage.
import type { EndEvent } from '../../../wire/generation.js';
import type { AnthropicMessage, AnthropicStopReason, AnthropicUsage } from '../../../wire/anthropic.js';

/** The message with no content yet and no stop reason (what `message_start` carries). */
export function messageHead(id: string, model: string, inputTokens: number): AnthropicMessage {
  return {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: 0 },
  };
}

export function stopReason(end: EndEvent): AnthropicStopReason {
  if (end.finishReason === 'length') return 'max_tokens';
  return end.finishReason === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
}

export function anthropicUsage(end: EndEvent): AnthropicUsage {
  return { input_tokens: end.inputLength, output_tokens: end.generatedTokens };
}
