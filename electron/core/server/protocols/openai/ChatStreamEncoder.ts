import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ChatCompletionChunk, ChatLogprobs, ChatTokenLogprob, OpenAIFinishReason } from '../../../wire/openai.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { chatLogprob } from './chatLogprob.js';
import { openAIError } from './openAIErrors.js';
import { finishReason, usage, visibleText, type ResponseHead } from './openAIShapes.js';

/**
 * `chat.completion.chunk` events: the role first, then content deltas (text that may begin a stop sequence is
 * held back until it is clear), the finish reason, usage when asked, and exactly `data: [DONE]`.
 */
export class ChatStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private readonly holdback: StopHoldback<ChatTokenLogprob>;

  constructor(
    private readonly head: ResponseHead,
    stops: string[],
    private readonly withLogprobs: boolean,
    private readonly includeUsage: boolean,
  ) {
    this.holdback = new StopHoldback(stops);
  }

  start(): Frame[] {
    return [this.chunk({ role: 'assistant', content: '' }, null, null)];
  }

  token(event: TokenEvent): Frame[] {
    const frames: Frame[] = [];
    const released = this.holdback.push(visibleText(event), this.withLogprobs ? chatLogprob(event) : undefined);
    if (released.text !== '' || released.tokens.length > 0) frames.push(this.chunk({ content: released.text }, this.withLogprobs ? { content: released.tokens } : null, null));
    // As OpenAI streams calls: the first delta of a call carries its id, type and name; later ones, argument fragments.
    for (const delta of event.toolCallDeltas ?? []) {
      if (delta.type === 'call') frames.push(this.chunk({ tool_calls: [{ index: delta.index, id: delta.id, type: 'function', function: { name: delta.name, arguments: '' } }] }, null, null));
      else if (delta.type === 'arguments' && delta.text) frames.push(this.chunk({ tool_calls: [{ index: delta.index, function: { arguments: delta.text } }] }, null, null));
    }
    return frames;
  }

  end(event: EndEvent): Frame[] {
    const frames: Frame[] = [];
    const rest = this.holdback.finish();
    if (rest.text !== '' || rest.tokens.length > 0) frames.push(this.chunk({ content: rest.text }, this.withLogprobs ? { content: rest.tokens } : null, null));
    frames.push(this.chunk({}, null, finishReason(event)));
    if (this.includeUsage) frames.push({ data: { ...this.head, object: 'chat.completion.chunk', choices: [], usage: usage(event) } satisfies ChatCompletionChunk });
    frames.push({ data: '[DONE]' });
    return frames;
  }

  failure(error: ApiError): Frame[] {
    return [{ data: openAIError(error) }];
  }

  private chunk(delta: ChatCompletionChunk['choices'][number]['delta'], logprobs: ChatLogprobs | null, finish: OpenAIFinishReason | null): Frame {
    const data: ChatCompletionChunk = {
      ...this.head,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
      ...(this.includeUsage ? { usage: null } : {}),
    };
    return { data };
  }
}
