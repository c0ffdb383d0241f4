// The loopback endpoint's defences, over real sockets (node:http, so Host and Origin can be set freely).
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';
import { startServer } from './createServer.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(server: TestServer, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers, setHost: !('Host' in headers) }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const KEY = 'test-key-0123456789';
let open: TestServer;
let keyed: TestServer;
beforeAll(async () => {
  open = await startTestServer({ corsAllowOrigins: ['http://localhost:5173'] });
  keyed = await startTestServer({ apiKey: KEY });
});
afterAll(async () => {
  await open?.stop();
  await keyed?.stop();
});

describe('Host guard (DNS rebinding)', () => {
  it.each(['127.0.0.1', 'localhost', '[::1]', '127.0.0.2'])('accepts %s with the right port', async (name) => {
    const response = await send(open, '/health', { Host: `${name}:${open.port}` });
    expect(response.status).toBe(200);
  });

  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1:1', '127.0.0.1', 'localhost.evil.example:PORT'])('refuses Host %s with 403 and a JSON error', async (host) => {
    const response = await send(open, '/info', { Host: host.replace('PORT', String(open.port)) });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error_type: 'forbidden', error: expect.stringContaining('is not allowed') });
  });
});

describe('Origin guard (CORS)', () => {
  it('refuses a cross-origin request from an origin not in the allow-list, never reflecting it', async () => {
    const response = await send(open, '/info', { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(response.body).error).toContain('--cors-allow-origin https://evil.example');
  });

  it('refuses a preflight from an origin not allowed', async () => {
    const response = await send(open, '/generate', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' }, 'OPTIONS');
    expect(response.status).toBe(403);
  });

  it('allows an origin from --cors-allow-origin, preflight included', async () => {
    const preflight = await send(open, '/generate', { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' }, 'OPTIONS');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const response = await send(open, '/info', { Origin: 'http://localhost:5173' });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('allows the same origin (the window served at /ui/)', async () => {
    const response = await send(open, '/info', { Origin: `http://127.0.0.1:${open.port}` });
    expect(response.status).toBe(200);
  });
});

describe('API key', () => {
  it('refuses a missing or wrong key with 401, accepts the right one', async () => {
    const missing = await send(keyed, '/info', {});
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(missing.body)).toMatchObject({ error_type: 'unauthorized', error: expect.stringContaining('Authorization: Bearer') });
    expect((await send(keyed, '/info', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await send(keyed, '/info', { Authorization: `Bearer ${KEY}x` })).status).toBe(401);
    expect((await send(keyed, '/info', { Authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  it('guards generation routes too', async () => {
    const body = JSON.stringify({ inputs: 'Hi', parameters: { max_new_tokens: 2 } });
    const refused = await send(keyed, '/generate', { 'content-type': 'application/json' }, 'POST', body);
    expect(refused.status).toBe(401);
    const accepted = await send(keyed, '/generate', { 'content-type': 'application/json', Authorization: `Bearer ${KEY}` }, 'POST', body);
    expect(accepted.status).toBe(200);
  });

  it('leaves /health open for liveness probes', async () => {
    expect((await send(keyed, '/health', {})).status).toBe(200);
  });
});

describe('listening address', () => {
  it('refuses to listen beyond loopback without an API key', async () => {
    await expect(
      startServer(open.backend, { hostname: '0.0.0.0', port: 0, apiKey: null, corsAllowOrigins: [], maxConcurrentRequests: 1, version: 'test' }),
    ).rejects.toThrow(/without an API key/);
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(open.url).toBe(`http://127.0.0.1:${open.port}`);
    expect(open.app.server.address()).toMatchObject({ address: '127.0.0.1' });
  });
});
