// The one streaming pipeline every generation route goes through: track → admit → events → encoder → writer.
// Routes only parse their protocol's request and pick its encoder; admission, cancellation, metrics, the live
// request list, framing, errors and closing are all here.
import type { FastifyReply } from 'fastify';
import type { Admission } from '../backends/Backend.js';
import { ApiError } from '../errors.js';
import type { GenerationEvent, GenerationRequest } from '../wire/generation.js';
import { currentCaller } from './currentCaller.js';
import type { Admitted, Encoder, Frame, StreamEncoder } from './Encoder.js';
import type { GenerationObserver } from './GenerationObserver.js';
import { openFrameWriter } from './openFrameWriter.js';
import { requestSignal } from './requestSignal.js';
import type { ServerContext } from './ServerContext.js';
import { stoppedEarly } from './stoppedEarly.js';

/**
 * Serves one generation request on `reply` with the encoder `encode` gives for the admitted request. A refused
 * or invalid request throws before anything is sent (the route's error handler answers with the real status);
 * once a stream has begun, failures end it with the encoder's error frames.
 */
export async function serveGeneration(
  context: ServerContext,
  reply: FastifyReply,
  request: GenerationRequest,
  encode: (admitted: Admitted) => Encoder,
): Promise<void> {
  const receivedAt = performance.now();
  // Aborted by the client leaving, by Brook closing, by cancel in the window, or by a client that stopped reading.
  const unreadable = new AbortController();
  const tracked = context.track(currentCaller(), AbortSignal.any([requestSignal(reply, context.shutdown), unreadable.signal]));
  let admission: Admission;
  try {
    admission = await context.backend.admit(request, tracked.signal, 'api');
  } catch (error) {
    tracked.observer.refused(error);
    throw error;
  }
  const admitted = { id: tracked.id, inputLength: admission.inputLength };
  tracked.observer.admitted(admission.inputLength);
  const admittedAt = performance.now();
  void reply.header('x-request-id', tracked.id);
  const events = observed(admission.events, tracked.observer);
  try {
    const encoder = encode(admitted);
    if (encoder.kind === 'stream') {
      await stream(reply, encoder, admitted, events, tracked.signal, unreadable);
      return;
    }
    for await (const event of events) {
      if (event.type === 'prompt') continue;
      if (event.type === 'token') {
        encoder.token(event);
        continue;
      }
      if (event.cancelled) break;
      const { body, headers } = encoder.end(event, { receivedAt, admittedAt });
      if (headers) void reply.headers(headers);
      await reply.send(body);
      return;
    }
    throw stoppedEarly(tracked.signal);
  } finally {
    await admission.close();
    tracked.observer.closed();
  }
}

async function stream(
  reply: FastifyReply,
  encoder: StreamEncoder,
  admitted: Admitted,
  events: AsyncGenerator<GenerationEvent>,
  signal: AbortSignal,
  unreadable: AbortController,
): Promise<void> {
  const writer = openFrameWriter(reply, encoder.format);
  const send = async (frames: Frame[]) => {
    for (const frame of frames) {
      if (!(await writer.send(frame))) {
        unreadable.abort(new Error('the client stopped reading the stream'));
        return;
      }
    }
  };
  try {
    await send(encoder.start(admitted));
    let ended = false;
    for await (const event of events) {
      if (event.type === 'prompt') continue;
      if (event.type === 'token') await send(encoder.token(event));
      else if (!event.cancelled) {
        await send(encoder.end(event));
        ended = true;
      }
    }
    // Stopped before the end (cancelled in the window, Brook closing): said to a client still listening.
    if (!ended) await send(encoder.failure(stoppedEarly(signal)));
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError('incomplete_generation', error instanceof Error ? error.message : String(error));
    await send(encoder.failure(apiError));
  } finally {
    writer.end();
  }
}

/** The backend's events, each reported to `observer` as it passes. */
async function* observed(events: AsyncGenerator<GenerationEvent>, observer: GenerationObserver): AsyncGenerator<GenerationEvent> {
  try {
    for await (const event of events) {
      if (event.type === 'token') observer.token(event);
      else if (event.type === 'end') observer.end(event);
      yield event;
    }
  } catch (error) {
    observer.failed(error);
    throw error;
  }
}
