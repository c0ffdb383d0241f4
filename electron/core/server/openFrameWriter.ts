import type { FastifyReply } from 'fastify';
import type { Frame } from './Encoder.js';
import { SseStream } from './SseStream.js';

export interface FrameWriter {
  /** Sends one frame; false when the client cannot take it (gone, or not reading): the generation should stop. */
  send(frame: Frame): Promise<boolean>;
  end(): void;
}

/** Takes over `reply` (status 200 and the format's headers) and writes frames in `format`. */
export function openFrameWriter(reply: FastifyReply, format: 'sse' | 'ndjson'): FrameWriter {
  const stream = SseStream.open(reply, { format });
  return {
    send: async (frame) => {
      try {
        const sent: unknown = await stream.send(frame.data, frame.event);
        return sent !== false;
      } catch {
        return false;
      }
    },
    end: () => stream.end(),
  };
}
