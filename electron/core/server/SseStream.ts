import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Silence after which a comment line is sent, so proxies and clients don't close an idle stream. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * A `text/event-stream` response written straight to the socket, one `data:` frame per event.
 */
export class SseStream {
  private readonly raw: ServerResponse;
  private readonly keepAlive: NodeJS.Timeout;
  private lastWrite = Date.now();

  private constructor(reply: FastifyReply) {
    this.raw = reply.raw;
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastWrite >= KEEP_ALIVE_MS) this.write(':\n\n');
    }, KEEP_ALIVE_MS / 3);
    this.keepAlive.unref();
  }

  /** Takes over the reply (headers set by hooks, such as CORS, are kept) and sends the 200 status. */
  static open(reply: FastifyReply): SseStream {
    const headers = reply.getHeaders() as OutgoingHttpHeaders;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    reply.raw.flushHeaders();
    return new SseStream(reply);
  }

  /** Sends one `data:` event; waits when the client reads slower than the model writes. */
  async send(data: unknown): Promise<void> {
    if (!this.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.raw.off('drain', done);
          this.raw.off('close', done);
          resolve();
        };
        this.raw.on('drain', done);
        this.raw.on('close', done);
      });
    }
  }

  private write(chunk: string): boolean {
    if (this.raw.destroyed || this.raw.writableEnded) return true;
    this.lastWrite = Date.now();
    return this.raw.write(chunk);
  }

  end(): void {
    clearInterval(this.keepAlive);
    if (!this.raw.writableEnded) this.raw.end();
  }
}
