// Brook on Ollama's port: --ollama-port at start, and the Local API panel's switch at runtime (the real core on
// the scripted backend, real sockets): on, off, a port that is taken, and the listener following the endpoint.
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Brook } from '../../../Brook.js';
import { parseConfig } from '../../../config.js';
import { OLLAMA_DEFAULT_PORT, OLLAMA_ROOT_TEXT } from './ollamaPort.js';
import { OLLAMA_COMPATIBLE_VERSION } from './ollamaRoutes.js';

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  };
  open.push(release);
  return { port: (holder.address() as { port: number }).port, release };
}

async function freePort(): Promise<number> {
  const { port, release } = await holdPort();
  await release();
  return port;
}

/**
 * Brook on the scripted backend, on a free port, with these flags; closed after the test. `browser`: in browser
 * mode (the window's routes served too, its endpoint settings locked but for the Ollama switch).
 */
async function startBrook(flags: string[] = [], browser = false): Promise<Brook> {
  const dir = await mkdtemp(join(tmpdir(), 'brook-ollama-port-'));
  const config = parseConfig(['--scripted', 'e2e/support/script.json', '--data-dir', dir, '--port', '0', ...flags], {});
  if (config === 'help') throw new Error('help');
  const { brook, modelLoaded } = await Brook.start(config, { serve: true, ...(browser ? { browserUi: { rendererDir: join(dir, 'no-window') } } : {}) });
  await modelLoaded;
  open.push(async () => {
    await brook.close();
    await rm(dir, { recursive: true, force: true });
  });
  return brook;
}

/** A request on a connection of its own (a kept-alive socket of a closed server would fail), body as text. */
function send(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, type: String(response.headers['content-type'] ?? ''), body }));
    });
    request.on('error', reject);
    request.end();
  });
}

const version = (url: string, apiKey?: string) => send(`${url}/api/version`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });

describe("Brook on Ollama's port", () => {
  it("is off by default, on Ollama's own port", async () => {
    const brook = await startBrook();
    expect(brook.endpointSettings().ollama).toEqual({ enabled: false, port: OLLAMA_DEFAULT_PORT, url: null, error: null });
  });

  it('--ollama-port listens at start: the API routes and "Ollama is running" at /, not the window\'s routes', async () => {
    const port = await freePort();
    const brook = await startBrook(['--ollama-port', String(port)], true);
    const url = `http://127.0.0.1:${port}`;
    expect(brook.endpointSettings().ollama).toEqual({ enabled: true, port, url, error: null });

    const answer = await version(url);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ version: OLLAMA_COMPATIBLE_VERSION });
    // Tools probe Ollama's root to find it.
    const root = await send(`${url}/`);
    expect(root).toMatchObject({ status: 200, body: OLLAMA_ROOT_TEXT });
    expect(root.type).toMatch(/^text\/plain/);
    expect(await send(`${url}/`, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    // Brook's own port keeps its own `/`, and only it serves the window's routes.
    const main = brook.server!.url;
    expect((await send(`${main}/`)).body).not.toContain(OLLAMA_ROOT_TEXT);
    expect((await send(`${main}/app/status`)).status).toBe(200);
    expect((await send(`${url}/app/status`)).status).toBe(404);
  });

  it('turns on and off at runtime, without restarting Brook, from a browser-mode window too', async () => {
    const port = await freePort();
    const brook = await startBrook(['--ollama-port', String(port)], true);
    const main = brook.server!;
    const url = `http://127.0.0.1:${port}`;

    const off = await brook.configureEndpoint({ ollama: false });
    expect(off.ollama).toEqual({ enabled: false, port, url: null, error: null });
    await expect(version(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(brook.server).toBe(main);
    expect((await version(main.url)).status).toBe(200);

    const on = await brook.configureEndpoint({ ollama: true });
    expect(on.ollama).toEqual({ enabled: true, port, url, error: null });
    expect((await version(url)).status).toBe(200);
    expect(brook.server).toBe(main);
    // The rest of the endpoint serves this window: still locked.
    await expect(brook.configureEndpoint({ ollama: false, apiKey: 'generate' })).rejects.toMatchObject({ errorType: 'forbidden' });
    expect(brook.endpointSettings().ollama.url).toBe(url);
  });

  it('says clearly when the port is taken, keeps serving on its own port, and listens once the port is free', async () => {
    const taken = await holdPort();
    const brook = await startBrook(['--ollama-port', String(taken.port)]);
    const main = brook.server!.url;
    const state = brook.endpointSettings().ollama;
    expect(state).toMatchObject({ enabled: true, port: taken.port, url: null });
    expect(state.error).toBe(`Port ${taken.port} is already in use (is Ollama itself running?), so Brook does not listen there. Brook keeps serving Ollama's API on ${main}/api: point tools there.`);
    expect((await version(main)).status).toBe(200);

    // Switching it on again tries again.
    await taken.release();
    const again = await brook.configureEndpoint({ ollama: true });
    expect(again.ollama).toEqual({ enabled: true, port: taken.port, url: `http://127.0.0.1:${taken.port}`, error: null });
    expect((await version(again.ollama.url!)).status).toBe(200);
  });

  it('follows the endpoint: the new key, off with it, back with it, left alone when it moves', async () => {
    const port = await freePort();
    const brook = await startBrook(['--ollama-port', String(port)]);
    const url = `http://127.0.0.1:${port}`;

    const keyed = await brook.configureEndpoint({ apiKey: 'generate' });
    expect((await version(url)).status).toBe(401);
    expect((await version(url, keyed.apiKey!)).status).toBe(200);

    const off = await brook.configureEndpoint({ enabled: false });
    expect(off.ollama).toEqual({ enabled: true, port, url: null, error: null });
    await expect(version(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const on = await brook.configureEndpoint({ enabled: true });
    expect(on.ollama.url).toBe(url);
    expect((await version(url, keyed.apiKey!)).status).toBe(200);

    const moved = await brook.configureEndpoint({ port: await freePort() });
    expect(moved.ollama.url).toBe(url);
    expect((await version(url, keyed.apiKey!)).status).toBe(200);
    // Brook's own endpoint cannot move onto the port its Ollama listener holds.
    await expect(brook.configureEndpoint({ port })).rejects.toMatchObject({ errorType: 'validation', message: expect.stringContaining(`Brook already answers as Ollama on port ${port}`) });
    expect(brook.endpointSettings().url).toBe(moved.url);
  });
});
