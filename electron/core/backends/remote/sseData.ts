import { EventSourceParserStream } from 'eventsource-parser/stream';

/** The `data` of each event of a Server-Sent Events body, parsed by a spec-compliant parser. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  // Node's DOM typings disagree on the decoder's input type; the stream is bytes either way.
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = body.pipeThrough(decoder).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value.data;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
