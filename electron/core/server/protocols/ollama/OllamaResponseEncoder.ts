import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { ChatTokenLogprob } from '../../../wire/openai.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { chatLogprob } from '../openai/chatLogprob.js';
import { ollamaReply, replyText, type OllamaRoute } from './ollamaReply.js';
import { doneStatistics, type RequestTimes } from './ollamaStatistics.js';
import type { OllamaReplyOptions } from './OllamaStreamEncoder.js';

/** The whole reply of `"stream": false` in one object with its calls and the statistics; the stop text is not returned. */
export class OllamaResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly holdback: StopHoldback<ChatTokenLogprob>;
  private readonly logprobs: ChatTokenLogprob[] = [];

  constructor(
    private readonly route: OllamaRoute,
    private readonly model: string,
    private readonly options: OllamaReplyOptions,
  ) {
    this.holdback = new StopHoldback(options.stops);
  }

  token(event: TokenEvent): void {
    this.logprobs.push(...this.holdback.push(replyText(event, this.options.withTools), this.options.withLogprobs ? chatLogprob(event) : undefined).tokens);
  }

  end(event: EndEvent, times: RequestTimes): EncodedResponse {
    this.logprobs.push(...this.holdback.finish().tokens);
    const body = ollamaReply(this.route, this.model, {
      text: this.holdback.result,
      done: true,
      statistics: doneStatistics(event, times),
      toolCalls: event.toolCalls,
      ...(this.options.withLogprobs ? { logprobs: this.logprobs } : {}),
    });
    return { body };
  }
}
