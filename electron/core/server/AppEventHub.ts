import type { AppEvent } from './appEvents.js';
import type { SseStream } from './SseStream.js';

/** Unread bytes a window's event stream may hold before the window is disconnected (it reconnects and refetches). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface AppEventHubOptions {
  /** Overrides MAX_BUFFERED_BYTES (tests use a small one). */
  maxBufferedBytes?: number;
}

/**
 * The readers of GET /app/events and the broadcast to them. A broadcast never waits for a reader: a reader
 * whose unread bytes pass the bound is disconnected instead of buffering without end, and one that leaves
 * its socket full past SseStream's drain timeout is dropped by the stream itself. Either way it leaves the hub.
 */
export class AppEventHub {
  private readonly readers = new Set<SseStream>();
  private readonly maxBufferedBytes: number;
  private closed = false;

  constructor(options: AppEventHubOptions = {}) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  }

  /** Readers connected now. */
  get size(): number {
    return this.readers.size;
  }

  /** Adds a reader and sends it `first` (its initial state); it leaves the hub when its response closes. */
  add(stream: SseStream, first: AppEvent[] = []): void {
    if (this.closed) {
      stream.end();
      return;
    }
    this.readers.add(stream);
    void stream.closed.then(() => this.readers.delete(stream));
    for (const event of first) this.deliver(stream, event);
  }

  broadcast(event: AppEvent): void {
    for (const stream of this.readers) this.deliver(stream, event);
  }

  /** Ends every reader's stream; readers added later are ended at once. */
  close(): void {
    this.closed = true;
    for (const stream of this.readers) stream.end();
    this.readers.clear();
  }

  private deliver(stream: SseStream, event: AppEvent): void {
    if (stream.bufferedBytes > this.maxBufferedBytes) {
      this.readers.delete(stream);
      stream.destroy();
      return;
    }
    void stream.send(event).then((delivered) => {
      if (!delivered) this.readers.delete(stream);
    });
  }
}
