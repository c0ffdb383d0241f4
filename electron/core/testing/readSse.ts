import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  data: string;
  /** ms since the request was sent. */
  at: number;
}

/**
 * Reads a fetch Response as Server-Sent Events with a spec-compliant parser, noting when each event arrived.
 * `onEvent` returning false stops reading but leaves the connection open (abort the fetch to close it).
 */
export async function readSse(response: Response, sentAt = performance.now(), onEvent?: (event: SseEvent) => boolean | void): Promise<{ events: SseEvent[]; raw: string }> {
  const events: SseEvent[] = [];
  let raw = '';
  let stop = false;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      const event = { data: message.data, at: performance.now() - sentAt };
      events.push(event);
      if (onEvent?.(event) === false) stop = true;
    },
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  while (!stop) {
    const { done, value } = await reader.read();
    if (done) break;
    raw += value;
    parser.feed(value);
  }
  if (stop) reader.releaseLock();
  return { events, raw };
}
