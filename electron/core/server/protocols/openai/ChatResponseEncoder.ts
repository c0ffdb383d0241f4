import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ChatCompletion, ChatTokenLogprob } from '../../../wire/openai.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { chatLogprob } from './chatLogprob.js';
import { finishReason, toolCallObjects, usage, visibleText, type ResponseHead } from './openAIShapes.js';

/** A whole ChatCompletion, with OpenAI's stop semantics (the stop sequence is not returned). */
export class ChatResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly holdback: StopHoldback<ChatTokenLogprob>;
  private readonly logprobs: ChatTokenLogprob[] = [];

  constructor(
    private readonly head: ResponseHead,
    stops: string[],
    private readonly withLogprobs: boolean,
  ) {
    this.holdback = new StopHoldback(stops);
  }

  token(event: TokenEvent): void {
    this.logprobs.push(...this.holdback.push(visibleText(event), this.withLogprobs ? chatLogprob(event) : undefined).tokens);
  }

  end(event: EndEvent): EncodedResponse {
    this.logprobs.push(...this.holdback.finish().tokens);
    const calls = toolCallObjects(event);
    const body: ChatCompletion = {
      ...this.head,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: calls.length > 0 ? { role: 'assistant', content: this.holdback.result || null, refusal: null, tool_calls: calls } : { role: 'assistant', content: this.holdback.result, refusal: null },
          logprobs: this.withLogprobs ? { content: this.logprobs } : null,
          finish_reason: finishReason(event),
        },
      ],
      usage: usage(event),
    };
    return { body };
  }
}
