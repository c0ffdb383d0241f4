// Brook's endpoint as the Local API panel changes it: the real core (model, chats in a temp folder, the
// loopback server on real sockets) turned off and on, moved, given a key and a new one, and a port in use.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Brook, ENDPOINT_RESTART_MESSAGE, generateApiKey } from './Brook.js';
import { parseConfig } from './config.js';
import { ApiError } from './errors.js';
import { readSse } from './testing/readSse.js';
import type { AppStatus } from './wire/bridge.js';
import type { ApiRequestInfo } from './wire/endpoint.js';

const MODEL = resolve('resources/models/SmolLM2-135M-Instruct.Q4_1.gguf');
/** Greedy decoding loops on this prompt: a stream that runs until it is stopped. */
const LONG_PROMPT = 'Count from 1 to 400, separated by commas.';

let dir: string;
let brook: Brook;
const statuses: AppStatus[] = [];
/** Every list the registry reported, from one subscription made before any restart. */
const lists: ApiRequestInfo[][] = [];

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`model missing at ${MODEL}: run npm run fetch-model`);
  dir = await mkdtemp(join(tmpdir(), 'brook-core-'));
  const config = parseConfig(['--model', MODEL, '--data-dir', dir, '--port', '0', '--parallel', '2', '--context-size', '1024'], {});
  if (config === 'help') throw new Error('help');
  const started = await Brook.start(config, { serve: true });
  brook = started.brook;
  await started.modelLoaded;
  brook.onStatus((status) => statuses.push(status));
  brook.requests.onChange((requests) => lists.push(requests));
});

afterAll(async () => {
  await brook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

async function freePort(): Promise<number> {
  const { port, server } = await occupiedPort();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * An HTTP request on a connection of its own, as a separate tool makes it (fetch would reuse a kept-alive
 * socket of the server that was just restarted, and fail on it).
 */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      resolve(new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, { status: response.statusCode }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A long TGI stream from another tool; resolves with its events once it ends. */
async function longStream(url: string, apiKey: string | null, userAgent: string) {
  const response = await send(`${url}/generate_stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ inputs: LONG_PROMPT, parameters: { max_new_tokens: 900 } }),
  });
  expect(response.status).toBe(200);
  return readSse(response);
}

/** Waits until the registry lists a request from `client` generating at least `tokens` tokens. */
async function generating(client: string, tokens = 2): Promise<ApiRequestInfo> {
  let found: ApiRequestInfo | undefined;
  await vi.waitFor(
    () => {
      found = brook.requests.list().find((request) => request.client === client && request.state === 'generating' && request.tokens >= tokens);
      expect(found).toBeDefined();
    },
    { timeout: 30_000, interval: 20 },
  );
  return found!;
}

const get = (url: string, apiKey: string | null = null) => send(`${url}/v1/models`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });

describe('Brook endpoint settings', () => {
  it('reports the running endpoint: on, its URL and port, no key, changeable', () => {
    const settings = brook.endpointSettings();
    expect(settings).toEqual({ enabled: true, url: brook.server!.url, port: brook.server!.port, apiKey: null, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null } });
    expect(settings.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(brook.status().endpoint).toEqual({ enabled: true, url: settings.url, port: settings.port, apiKeySet: false });
    // The server fills Brook's own list, the one that outlives restarts.
    expect(brook.server!.requests).toBe(brook.requests);
  });

  it('generates a key: restarts on the same port, ends the streams open on the old server, keeps the list and its listeners', async () => {
    const before = brook.endpointSettings();
    const stream = longStream(before.url!, null, 'before-key/1.0');
    const running = await generating('before-key/1.0');

    const settings = await brook.configureEndpoint({ apiKey: 'generate' });
    expect(settings).toMatchObject({ enabled: true, url: before.url, port: before.port, error: null });
    expect(settings.apiKey).toMatch(/^brook-[A-Za-z0-9_-]{43}$/);
    expect(statuses.at(-1)!.endpoint).toEqual({ enabled: true, url: before.url, port: before.port, apiKeySet: true });

    // The open stream ended early, with an error event that says why.
    const { events } = await stream;
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ error: `Generation stopped before the end: ${ENDPOINT_RESTART_MESSAGE}`, error_type: 'incomplete_generation' });
    expect(brook.requests.list().find((request) => request.id === running.id)).toMatchObject({ state: 'cancelled', error: ENDPOINT_RESTART_MESSAGE });

    expect((await get(settings.url!)).status).toBe(401);
    expect((await get(settings.url!, 'wrong-key')).status).toBe(401);
    expect((await get(settings.url!, settings.apiKey)).status).toBe(200);

    // The new server reports to the same list, and the subscription made before the restart still hears it.
    const after = longStream(settings.url!, settings.apiKey, 'after-key/1.0');
    const next = await generating('after-key/1.0');
    await vi.waitFor(() => expect(lists.at(-1)?.some((request) => request.id === next.id)).toBe(true));
    expect(brook.requests.cancel(next.id)).toBe(true);
    const { events: cancelled } = await after;
    expect(JSON.parse(cancelled.at(-1)!.data)).toMatchObject({ error: "Generation stopped before the end: The request was cancelled in Brook's window." });
    expect(brook.server!.requests).toBe(brook.requests);

    // A key of one's own, then none.
    const own = generateApiKey();
    expect((await brook.configureEndpoint({ apiKey: own })).apiKey).toBe(own);
    expect((await get(settings.url!, own)).status).toBe(200);
    expect((await brook.configureEndpoint({ apiKey: null })).apiKey).toBeNull();
    expect((await get(settings.url!)).status).toBe(200);
    expect(brook.endpointSettings().port).toBe(before.port);
  });

  it('moves to another port: the new server starts before the old one stops', async () => {
    const old = brook.endpointSettings();
    const port = await freePort();
    const moved = await brook.configureEndpoint({ port });
    expect(moved).toMatchObject({ enabled: true, port, url: `http://127.0.0.1:${port}`, error: null });
    expect((await get(moved.url!)).status).toBe(200);
    await expect(get(old.url!)).rejects.toThrow();
    // The guards follow the new port: a Host naming the old one is refused.
    const response = await send(`${moved.url}/health`, { headers: { host: `127.0.0.1:${old.port}` } });
    expect(response.status).toBe(403);
    // The same port again changes nothing.
    const server = brook.server;
    expect(await brook.configureEndpoint({ port })).toEqual(moved);
    expect(brook.server).toBe(server);
  });

  it('refuses a port in use with a clear message and keeps the running server', async () => {
    const running = brook.endpointSettings();
    const { port, server } = await occupiedPort();
    try {
      const error = await brook.configureEndpoint({ port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ errorType: 'validation', status: 422, message: `Port ${port} is already in use by another program. Choose another port, or 0 for any free one.` });
      expect(brook.endpointSettings()).toEqual(running);
      expect((await get(running.url!)).status).toBe(200);
      // Changes queued behind the refused one still run.
      const [refusedAgain, keyed] = await Promise.allSettled([brook.configureEndpoint({ port }), brook.configureEndpoint({ apiKey: 'generate' })]);
      expect(refusedAgain.status).toBe('rejected');
      expect(keyed).toMatchObject({ status: 'fulfilled', value: { port: running.port, apiKey: expect.stringMatching(/^brook-/) } });
      await brook.configureEndpoint({ apiKey: null });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('turns off (nothing listens, the status says so) and on again on the same port', async () => {
    const on = brook.endpointSettings();
    const stream = longStream(on.url!, null, 'before-off/1.0');
    await generating('before-off/1.0');
    const off = await brook.configureEndpoint({ enabled: false });
    expect(off).toEqual({ enabled: false, url: null, port: on.port, apiKey: null, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null } });
    expect(brook.server).toBeNull();
    expect(brook.status().endpoint).toEqual({ enabled: false, url: null, port: on.port, apiKeySet: false });
    const { events } = await stream;
    expect(JSON.parse(events.at(-1)!.data).error).toBe("Generation stopped before the end: Brook's endpoint was turned off.");
    await expect(get(on.url!)).rejects.toThrow();

    // Changes while off are kept for when it is turned on.
    const keyed = await brook.configureEndpoint({ apiKey: 'generate' });
    expect(keyed).toMatchObject({ enabled: false, url: null, apiKey: expect.stringMatching(/^brook-/) });
    expect(brook.server).toBeNull();

    const again = await brook.configureEndpoint({ enabled: true });
    expect(again).toEqual({ enabled: true, url: on.url, port: on.port, apiKey: keyed.apiKey, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null } });
    expect((await get(again.url!, keyed.apiKey)).status).toBe(200);
    await brook.configureEndpoint({ apiKey: null });
  });
});
