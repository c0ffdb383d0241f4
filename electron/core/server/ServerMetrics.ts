import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BackendStats } from '../backends/Backend.js';
import type { GenerationObserver } from './GenerationObserver.js';

/**
 * Prometheus metrics of one server, in a registry of its own (two servers in one process, as in the
 * tests, don't share counters). HTTP responses are counted by route and status; generations are observed
 * through the one pipeline's observer (serveGeneration), so every API route is measured the same way.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly responses: Counter<'route' | 'status'>;
  private readonly generations: Counter<'route' | 'outcome'>;
  private readonly generatedTokens: Counter<'route'>;
  private readonly promptTokens: Counter<'route'>;
  private readonly timeToFirstToken: Histogram<'route'>;
  private readonly timePerToken: Histogram<'route'>;

  /** `stats` gives the scheduler's counts, or null while no model is loaded. */
  constructor(stats: () => BackendStats | null) {
    const registers = [this.registry];
    this.responses = new Counter({ name: 'brook_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'status'], registers });
    this.generations = new Counter({
      name: 'brook_generations_total',
      help: 'Generations admitted from other tools, by route and how they ended (done, cancelled, error).',
      labelNames: ['route', 'outcome'],
      registers,
    });
    this.generatedTokens = new Counter({ name: 'brook_generated_tokens_total', help: 'Tokens generated for other tools.', labelNames: ['route'], registers });
    this.promptTokens = new Counter({ name: 'brook_prompt_tokens_total', help: 'Prompt tokens of admitted requests.', labelNames: ['route'], registers });
    this.timeToFirstToken = new Histogram({
      name: 'brook_time_to_first_token_seconds',
      help: 'From admission to the first generated token (queue and prompt evaluation included).',
      labelNames: ['route'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.timePerToken = new Histogram({
      name: 'brook_time_per_output_token_seconds',
      help: 'Time between two consecutive generated tokens.',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: 'brook_queue_size',
      help: 'Requests waiting for a free sequence (all front doors).',
      registers,
      collect() {
        this.set(stats()?.queued ?? 0);
      },
    });
    new Gauge({
      name: 'brook_requests_in_flight',
      help: 'Requests queued or generating (all front doors).',
      registers,
      collect() {
        this.set(stats()?.inFlight ?? 0);
      },
    });
  }

  /**
   * Counts every HTTP response by route and status, streams included. A response cut off before its end (the
   * client went away, or stopped reading and was dropped) counts as 499, nginx's "client closed request",
   * whatever status it had begun with.
   */
  countResponses(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      reply.raw.once('close', () => {
        const status = reply.raw.writableFinished ? String(reply.raw.statusCode) : '499';
        this.responses.inc({ route: request.routeOptions.url ?? 'unmatched', status });
      });
    });
  }

  /** An observer of one generation on `route`: tokens, time to first token, time per token, outcome. */
  observer(route: string): GenerationObserver {
    let admittedAt = 0;
    let previous = 0;
    let outcome: 'done' | 'cancelled' | 'error' | null = null;
    // A remote upstream tells the prompt's length only at the end.
    let promptCounted = false;
    const countPrompt = (tokens: number | null) => {
      if (promptCounted || tokens === null) return;
      this.promptTokens.inc({ route }, tokens);
      promptCounted = true;
    };
    return {
      refused: () => undefined,
      admitted: (inputLength) => {
        admittedAt = performance.now();
        countPrompt(inputLength);
      },
      token: (event) => {
        const now = performance.now();
        if (event.index === 1) this.timeToFirstToken.observe({ route }, (now - admittedAt) / 1000);
        else this.timePerToken.observe({ route }, (now - previous) / 1000);
        previous = now;
        this.generatedTokens.inc({ route });
      },
      end: (event) => {
        countPrompt(event.inputLength);
        outcome = event.cancelled ? 'cancelled' : 'done';
      },
      failed: () => {
        outcome = 'error';
      },
      closed: () => {
        this.generations.inc({ route, outcome: outcome ?? 'cancelled' });
      },
    };
  }

  /** GET /metrics in Prometheus' text format. */
  route(app: FastifyInstance): void {
    app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['TGI'], produces: ['text/plain'], response: { 200: { type: 'string' } } } }, async (_request, reply) => {
      const text = await this.registry.metrics();
      return reply.type(this.registry.contentType).send(text);
    });
  }
}
