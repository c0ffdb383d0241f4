import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Silence after which a comment line is sent, so proxies and clients don't close an idle stream. */
export const KEEP_ALIVE_MS = 15_000;
/** How long a client may leave written events unread before the stream gives up on it. */
export const DRAIN_TIMEOUT_MS = 30_000;

export interface SseStreamOptions {
  /** Overrides DRAIN_TIMEOUT_MS (tests use a short one). */
  drainTimeoutMs?: number;
  /**
   * 'ndjson': one JSON object per line (`application/x-ndjson`, Ollama's streams) instead of SSE frames; the
   * same flow control, no keep-alive comments (NDJSON has none).
   */
  format?: 'sse' | 'ndjson';
}

/**
 * A `text/event-stream` response written straight to the socket, one `data:` frame per event.
 *
 * Contract of `send`: it resolves `true` once the event is written (or buffered while the client keeps
 * reading), and `false` when it could not be delivered: the client is gone, the stream has ended, or the
 * client left its socket full for longer than the drain timeout. On `false` the stream is already closed
 * (a stalled client's socket is destroyed, so it cannot hold memory or a sequence); the caller stops
 * producing events and cancels its generation. However many sends wait at once, they share one wait.
 */
export class SseStream {
  private readonly raw: ServerResponse;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly drainTimeoutMs: number;
  private readonly ndjson: boolean;
  private lastWrite = Date.now();
  /** The one pending wait for 'drain', shared by every send made while the socket is full. */
  private drained: Promise<boolean> | null = null;
  /** Resolves when the response has closed: ended here, or the client went away. */
  readonly closed: Promise<void>;

  private constructor(reply: FastifyReply, options: SseStreamOptions) {
    this.raw = reply.raw;
    this.drainTimeoutMs = options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS;
    this.ndjson = options.format === 'ndjson';
    this.keepAlive = setInterval(() => {
      if (!this.ndjson && Date.now() - this.lastWrite >= KEEP_ALIVE_MS) this.write(':\n\n');
    }, KEEP_ALIVE_MS / 3);
    this.keepAlive.unref();
    this.closed = new Promise((resolve) => {
      if (this.raw.closed) resolve();
      else this.raw.once('close', () => resolve());
    });
    void this.closed.then(() => clearInterval(this.keepAlive));
  }

  /**
   * Takes over the reply (headers set by hooks, such as CORS, are kept) and sends the 200 status. The
   * connection is kept alive only when the request allows it, so a client that sent `Connection: close`
   * sees the socket close as the stream ends.
   */
  static open(reply: FastifyReply, options: SseStreamOptions = {}): SseStream {
    const headers = reply.getHeaders() as OutgoingHttpHeaders;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': options.format === 'ndjson' ? 'application/x-ndjson' : 'text/event-stream',
      'cache-control': 'no-cache',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    reply.raw.flushHeaders();
    return new SseStream(reply, options);
  }

  /** Bytes written but not yet taken by the client's socket. */
  get bufferedBytes(): number {
    return this.raw.writableLength;
  }

  /**
   * Sends one `data:` event (named `event` if given; Anthropic names its events), or one NDJSON line; see the
   * class comment for what the result means.
   */
  async send(data: unknown, event?: string): Promise<boolean> {
    if (!this.open) return false;
    const json = typeof data === 'string' ? data : JSON.stringify(data);
    const frame = this.ndjson ? `${json}\n` : `${event ? `event: ${event}\n` : ''}data: ${json}\n\n`;
    if (this.write(frame)) return true;
    this.drained ??= this.waitForDrain().finally(() => (this.drained = null));
    return this.drained;
  }

  private waitForDrain(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const settle = (delivered: boolean) => {
        clearTimeout(timer);
        this.raw.off('drain', onDrain);
        this.raw.off('close', onClose);
        resolve(delivered);
      };
      const onDrain = () => settle(true);
      const onClose = () => settle(false);
      const timer = setTimeout(() => {
        settle(false);
        this.destroy();
      }, this.drainTimeoutMs);
      this.raw.on('drain', onDrain);
      this.raw.on('close', onClose);
    });
  }

  private get open(): boolean {
    return !this.raw.destroyed && !this.raw.writableEnded;
  }

  private write(chunk: string): boolean {
    if (!this.open) return true;
    this.lastWrite = Date.now();
    return this.raw.write(chunk);
  }

  /** Ends the stream normally: what was written still reaches a client that reads. */
  end(): void {
    clearInterval(this.keepAlive);
    if (!this.raw.writableEnded) this.raw.end();
  }

  /** Drops the client at once, unsent events included (a reader that stopped reading). */
  destroy(): void {
    clearInterval(this.keepAlive);
    this.raw.destroy();
  }
}
