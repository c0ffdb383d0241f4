import { StopHoldback } from '../../../engine/StopHoldback.js';
import type { ApiError } from '../../../errors.js';
import type { EndEvent, TokenEvent } from '../../../wire/generation.js';
import type { CompletionChunk, OpenAIFinishReason } from '../../../wire/openai.js';
import type { Frame, StreamEncoder } from '../../Encoder.js';
import { completionLogprobs, completionToken, type CompletionToken } from './completionLogprobs.js';
import { openAIError } from './openAIErrors.js';
import { finishReason, usage, visibleText, type ResponseHead } from './openAIShapes.js';

/**
 * One chunk per generated token, as TGI streams, each also an OpenAI `text_completion` chunk (so
 * @huggingface/inference's textGenerationStream, which calls this route, reads TGI's fields). The last token's
 * chunk waits for the end to carry finish_reason and generated_text; `data: [DONE]` closes the stream.
 */
export class CompletionStreamEncoder implements StreamEncoder {
  readonly kind = 'stream';
  readonly format = 'sse';
  private readonly holdback: StopHoldback<CompletionToken>;
  private offset: number;
  private pendingEcho: string;
  private last: { event: TokenEvent; text: string; tokens: CompletionToken[] } | null = null;

  constructor(
    private readonly head: ResponseHead,
    stops: string[],
    private readonly withLogprobs: boolean,
    private readonly includeUsage: boolean,
    /** The prompt when it is returned before the completion (echo / return_full_text), else ''. */
    private readonly echo: string,
    /** TGI's details in the last chunk. */
    private readonly details: boolean,
  ) {
    this.holdback = new StopHoldback(stops);
    this.offset = echo.length;
    this.pendingEcho = echo;
  }

  start(): Frame[] {
    return [];
  }

  token(event: TokenEvent): Frame[] {
    const text = visibleText(event);
    const released = this.holdback.push(text, this.withLogprobs ? completionToken(event, this.offset) : undefined);
    this.offset += text.length;
    if (event.last) {
      this.last = { event, ...released };
      return [];
    }
    return [this.chunk(released.text, released.tokens, null, { index: event.index, token: event.token, generated_text: null, details: null })];
  }

  end(event: EndEvent): Frame[] {
    const rest = this.holdback.finish();
    const last = this.last;
    const tgi: Partial<CompletionChunk> = {
      ...(last ? { index: last.event.index, token: last.event.token } : {}),
      generated_text: this.echo + this.holdback.result,
      details: this.details
        ? { finish_reason: event.finishReason, generated_tokens: event.generatedTokens, seed: event.seed, input_length: event.inputLength }
        : null,
    };
    const frames = [this.chunk((last?.text ?? '') + rest.text, [...(last?.tokens ?? []), ...rest.tokens], finishReason(event), tgi)];
    if (this.includeUsage) frames.push({ data: { ...this.head, object: 'text_completion', choices: [], usage: usage(event) } satisfies CompletionChunk });
    frames.push({ data: '[DONE]' });
    return frames;
  }

  failure(error: ApiError): Frame[] {
    return [{ data: openAIError(error) }];
  }

  private chunk(text: string, tokens: CompletionToken[], finish: OpenAIFinishReason | null, tgi: Partial<CompletionChunk>): Frame {
    const choiceText = this.pendingEcho + text;
    this.pendingEcho = '';
    const data: CompletionChunk = {
      ...this.head,
      object: 'text_completion',
      choices: [{ index: 0, text: choiceText, logprobs: this.withLogprobs ? completionLogprobs(tokens) : null, finish_reason: finish }],
      ...(this.includeUsage ? { usage: null } : {}),
      ...tgi,
    };
    return { data };
  }
}
