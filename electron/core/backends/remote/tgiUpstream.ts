import { ApiError, type ErrorType } from '../../errors.js';
import type { GenerationEvent, GenerationRequest } from '../../wire/generation.js';
import type { StreamResponse } from '../../wire/tgi.js';
import { constraintFields } from './constraintFields.js';
import type { Upstream } from './detectUpstream.js';
import { sseData } from './sseData.js';
import { UpstreamStream, type StreamContext } from './UpstreamStream.js';

/**
 * TGI's own stream route, with details so the end carries the finish reason and the prompt's length. The
 * grammar is the one of the request's constraint (whichever front door built it), never a client's as sent.
 */
export function tgiUpstreamRequest(request: GenerationRequest, upstream: Upstream, url: string): { path: string; body: unknown } {
  if (!('text' in request.prompt)) throw new Error('a chat prompt goes to the OpenAI route');
  // return_full_text is applied by Brook's own encoders.
  const { return_full_text: _, grammar: __, ...parameters } = request.parameters;
  const fields = constraintFields(request, '/generate_stream', upstream, url);
  return { path: '/generate_stream', body: { inputs: request.prompt.text, parameters: { ...parameters, ...fields, details: true } } };
}

/** A TGI (or Brook) stream as Brook's events: TGI's tokens are Brook's tokens, one to one. */
export async function* readTgiStream(body: ReadableStream<Uint8Array>, context: StreamContext): AsyncGenerator<GenerationEvent> {
  const stream = new UpstreamStream(context);
  try {
    for await (const data of sseData(body)) {
      const frame = JSON.parse(data) as StreamResponse & { error?: string; error_type?: string };
      if (frame.error !== undefined) throw new ApiError((frame.error_type as ErrorType) ?? 'incomplete_generation', `The remote server at ${context.url}: ${frame.error}`);
      const last = frame.generated_text !== null && frame.generated_text !== undefined;
      yield stream.token(frame.token, last, frame.top_tokens ?? undefined);
      if (last) {
        stream.inputLength = frame.details?.input_length ?? 0;
        stream.seed = frame.details?.seed ?? null;
        yield stream.end(frame.details?.finish_reason ?? 'length', false, frame.generated_text!);
        return;
      }
    }
  } catch (error) {
    yield stream.failure(error);
    return;
  }
  if (context.signal.aborted) yield stream.end('length', true);
  else stream.cutOff();
}
