import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { ollamaReply, replyText, type OllamaRoute } from './ollamaReply.js';
import { doneStatistics, type RequestTimes } from './ollamaStatistics.js';

/** The whole reply of `"stream": false` in one object with its calls and the statistics; the stop text is not returned. */
export class OllamaResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly holdback: StopHoldback;

  constructor(
    private readonly route: OllamaRoute,
    private readonly model: string,
    stops: string[],
    private readonly withTools: boolean,
  ) {
    this.holdback = new StopHoldback(stops);
  }

  token(event: TokenEvent): void {
    this.holdback.push(replyText(event, this.withTools));
  }

  end(event: EndEvent, times: RequestTimes): EncodedResponse {
    this.holdback.finish();
    return { body: ollamaReply(this.route, this.model, this.holdback.result, true, doneStatistics(event, times), event.toolCalls) };
  }
}
