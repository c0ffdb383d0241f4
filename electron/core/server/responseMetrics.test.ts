// brook_http_requests_total on a real socket: a response the client abandons is not counted as a success.
import { request } from 'node:http';
import Fastify from 'fastify';
import { afterEach, expect, it, vi } from 'vitest';
import { ServerMetrics } from './ServerMetrics.js';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

it('counts a finished response by its status, and one the client abandoned as 499, not 200', async () => {
  const metrics = new ServerMetrics(() => null);
  const app = Fastify({ forceCloseConnections: true });
  apps.push(app);
  metrics.countResponses(app);
  app.get('/done', async () => ({ ok: true }));
  // A stream that never ends by itself, as a generation the client gives up on.
  app.get('/stream', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    reply.raw.write('data: 1\n\n');
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  expect((await fetch(`${base}/done`)).status).toBe(200);
  await new Promise<void>((resolve) => {
    const req = request(`${base}/stream`, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => undefined);
    req.end();
  });

  const counted = async () => (await metrics.registry.getSingleMetric('brook_http_requests_total')!.get()).values;
  await vi.waitFor(async () => expect(await counted()).toHaveLength(2), { timeout: 30_000 });
  expect(await counted()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ labels: { route: '/done', status: '200' }, value: 1 }),
      expect.objectContaining({ labels: { route: '/stream', status: '499' }, value: 1 }),
    ]),
  );
});
