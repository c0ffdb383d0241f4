import { toolCallId } from '../../engine/toolCallId.js';
import type { ToolCall, ToolCallDelta } from '../../wire/generation.js';

/** One entry of an OpenAI chunk's `delta.tool_calls`: the first of a call carries its id and name, later ones argument fragments. */
export interface ToolCallChunk {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/**
 * An upstream's streamed reply text and `tool_calls` deltas as the pipeline's tool-call deltas and calls, the
 * same events the local engine reads from its template's syntax, so every front door frames them alike.
 */
export class UpstreamToolCalls {
  private readonly made: ToolCall[] = [];
  /** The upstream's call index → Brook's (the order calls began in). */
  private readonly positions = new Map<number, number>();

  get calls(): readonly ToolCall[] {
    return this.made;
  }

  push(text: string, chunks: readonly ToolCallChunk[] | null | undefined): ToolCallDelta[] {
    const deltas: ToolCallDelta[] = text ? [{ type: 'text', text }] : [];
    for (const chunk of chunks ?? []) {
      const upstreamIndex = chunk.index ?? 0;
      let index = this.positions.get(upstreamIndex);
      if (index === undefined) {
        index = this.made.length;
        this.positions.set(upstreamIndex, index);
        // An upstream that gives no id (some TGI versions send "") gets one, as the local engine's calls do.
        const call: ToolCall = { id: chunk.id || toolCallId(), name: chunk.function?.name ?? '', arguments: '' };
        this.made.push(call);
        deltas.push({ type: 'call', index, id: call.id, name: call.name });
      }
      const fragment = chunk.function?.arguments;
      if (fragment) {
        this.made[index]!.arguments += fragment;
        deltas.push({ type: 'arguments', index, text: fragment });
      }
    }
    return deltas;
  }
}
