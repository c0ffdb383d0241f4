import type { EndEvent, GeneratedToken, TokenEvent } from '../../../wire/generation.js';
import type { Details, GenerateParameters, GenerateResponse } from '../../../wire/tgi.js';
import type { EncodedResponse, ResponseEncoder } from '../../Encoder.js';
import { fullText } from './fullText.js';

/** TGI's /generate body `{generated_text, details?}` with the `x-*` timing headers TGI sends. */
export class TgiResponseEncoder implements ResponseEncoder {
  readonly kind = 'response';
  private readonly tokens: GeneratedToken[] = [];
  private readonly topTokens: GeneratedToken[][] = [];

  constructor(
    private readonly inputs: string,
    private readonly parameters: GenerateParameters,
    /** "cpu", or the GPU backend's name. */
    private readonly computeType: string,
    /** `POST /` without streaming answers an array of one response. */
    private readonly asArray = false,
  ) {}

  token(event: TokenEvent): void {
    this.tokens.push(event.token);
    if (event.topTokens) this.topTokens.push(event.topTokens);
  }

  end(event: EndEvent, timing: { receivedAt: number; admittedAt: number }): EncodedResponse {
    const inferenceMs = event.timings.generationMs;
    const details: Details | undefined = this.parameters.details
      ? {
          finish_reason: event.finishReason,
          generated_tokens: event.generatedTokens,
          seed: event.seed,
          prefill: [],
          tokens: this.tokens,
          ...(this.parameters.top_n_tokens ? { top_tokens: this.topTokens } : {}),
        }
      : undefined;
    const body: GenerateResponse = { generated_text: fullText(this.inputs, this.parameters, event.generatedText), ...(details ? { details } : {}) };
    return {
      body: this.asArray ? [body] : body,
      headers: {
        'x-compute-type': this.computeType,
        'x-compute-time': (inferenceMs / 1000).toFixed(3),
        'x-total-time': Math.round(performance.now() - timing.receivedAt),
        'x-validation-time': Math.round(timing.admittedAt - timing.receivedAt),
        'x-queue-time': Math.round(event.timings.queueMs),
        'x-inference-time': Math.round(inferenceMs),
        'x-time-per-token': Math.round(inferenceMs / Math.max(1, event.generatedTokens)),
        'x-prompt-tokens': event.inputLength,
        'x-generated-tokens': event.generatedTokens,
      },
    };
  }
}
