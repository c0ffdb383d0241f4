/**
 * Lines up the next decode of every running sequence so they share one batch.
 *
 * node-llama-cpp answers the sequences of a batch one by one (each samples on a worker thread), and its batch
 * loop starts the next batch as soon as any sequence has queued again. With 4 streams that gave batches of 3
 * and a straggler (counted at node-llama-cpp's `initBatch`: 130 batches of 3 for 400 tokens, instead of 100 of
 * 4). Holding each decode until every decode in flight has come back lets them all enter the next batch
 * together. One stream never waits: nothing else is in flight.
 */
export class BatchGate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  /** Starts `decode` now if nothing is in flight, or together with the others once the current batch is back. */
  run<T>(decode: () => Promise<T>): Promise<T> {
    if (this.inFlight === 0 && this.waiting.length === 0) return this.start(decode);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => this.start(decode).then(resolve, reject));
    });
  }

  private start<T>(decode: () => Promise<T>): Promise<T> {
    this.inFlight++;
    let started: Promise<T>;
    try {
      started = decode();
    } catch (error) {
      started = Promise.reject(error);
    }
    return started.finally(() => {
      // Released on the next turn of the event loop, when node-llama-cpp's batch loop has seen an empty
      // queue and ended: released at once, the held decodes reached its queue while the loop was still
      // looking, and the last of them missed the batch again.
      if (--this.inFlight === 0 && this.waiting.length > 0) setImmediate(() => this.releaseWaiting());
    });
  }

  private releaseWaiting(): void {
    const released = this.waiting.splice(0);
    for (const start of released) start();
  }
}
