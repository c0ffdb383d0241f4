// GET /metrics after real requests through the TGI and OpenAI routes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';
import { ServerMetrics } from './ServerMetrics.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
// Each test's generations end with it, even when it timed out.
afterEach(() => server?.settle());

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The samples of a Prometheus text exposition, keyed by `name{labels}`. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('GET /metrics', () => {
  it('counts requests by route and status, tokens, time to first token and per token', async () => {
    await (await post('/generate', { inputs: 'Hello', parameters: { max_new_tokens: 3 } })).text();
    await (await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2, temperature: 0, stream: true })).text();
    await (await post('/v1/chat/completions', { messages: [] })).text();

    const samples = await scrape();
    expect(samples.get('brook_http_requests_total{route="/generate",status="200"}')).toBe(1);
    expect(samples.get('brook_http_requests_total{route="/v1/chat/completions",status="200"}')).toBe(1);
    expect(samples.get('brook_http_requests_total{route="/v1/chat/completions",status="422"}')).toBe(1);
    expect(samples.get('brook_generated_tokens_total{route="/generate"}')).toBe(3);
    expect(samples.get('brook_generated_tokens_total{route="/v1/chat/completions"}')).toBe(2);
    expect(samples.get('brook_prompt_tokens_total{route="/generate"}')).toBeGreaterThan(0);
    expect(samples.get('brook_generations_total{route="/generate",outcome="done"}')).toBe(1);
    expect(samples.get('brook_time_to_first_token_seconds_count{route="/generate"}')).toBe(1);
    expect(samples.get('brook_time_to_first_token_seconds_sum{route="/generate"}')).toBeGreaterThan(0);
    expect(samples.get('brook_time_per_output_token_seconds_count{route="/generate"}')).toBe(2);
    expect(samples.get('brook_time_per_output_token_seconds_count{route="/v1/chat/completions"}')).toBe(1);
    expect(samples.get('brook_time_per_output_token_seconds_bucket{le="+Inf",route="/generate"}')).toBe(2);
    expect(samples.get('brook_queue_size')).toBe(0);
    expect(samples.get('brook_requests_in_flight')).toBe(0);
  });

  it('shows a running request in flight', async () => {
    const stream = await post('/generate_stream', { inputs: 'Once upon a time', parameters: { max_new_tokens: 1900 } });
    const reader = stream.body!.getReader();
    await reader.read();
    const samples = await scrape();
    expect(samples.get('brook_requests_in_flight')).toBe(1);
    await reader.cancel();
  });

  it('keeps a registry per server, not the global one', () => {
    const a = new ServerMetrics(() => null);
    const b = new ServerMetrics(() => null);
    expect(a.registry).not.toBe(b.registry);
    expect(a.registry.getSingleMetric('brook_http_requests_total')).toBeDefined();
  });
});
