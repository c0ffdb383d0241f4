// Pieces both Anthropic encoders share: the message as it starts, stop reasons, usage and tool_use blocks.
import type { AnthropicMessage, AnthropicStopReason, AnthropicToolUseBlock, AnthropicUsage } from '../../../wire/anthropic.js';
import type { EndEvent, ToolCall } from '../../../wire/generation.js';

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

/** Why the reply ended; `maxTokens` tells a reply cut at max_tokens from one cut by the end of the context. */
export function stopReason(end: EndEvent, maxTokens: number): AnthropicStopReason {
  if (end.finishReason === 'length') return end.generatedTokens < maxTokens ? 'model_context_window_exceeded' : 'max_tokens';
  if (end.toolCalls?.length) return 'tool_use';
  return end.finishReason === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
}

export function anthropicUsage(end: EndEvent): AnthropicUsage {
  return { input_tokens: end.inputLength, output_tokens: end.generatedTokens };
}

/** A call as a tool_use block; `input` is {} until the call's arguments are complete JSON. */
export function toolUseBlock(call: Pick<ToolCall, 'id' | 'name'> & { arguments?: string }): AnthropicToolUseBlock {
  return { type: 'tool_use', id: call.id, name: call.name, input: parsedInput(call.arguments ?? '') };
}

function parsedInput(json: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(json);
    return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  } catch {
    // Cut off by max_tokens in the middle of the arguments.
    return {};
  }
}
