// The window's Local API routes in browser mode (Brook with the window served at /ui/), against the real core
// and model over real sockets: the endpoint's settings (shown, never changed from there), the live list of
// requests from other tools over GET /app/events, and cancelling one.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Brook, BROWSER_MODE_ENDPOINT_MESSAGE } from '../Brook.js';
import { parseConfig } from '../config.js';
import { readSse } from '../testing/readSse.js';
import type { Conversation } from '../wire/chats.js';
import type { ApiRequestInfo, EndpointSettings } from '../wire/endpoint.js';
import type { AppEvent } from './appEvents.js';

const MODEL = resolve('resources/models/SmolLM2-135M-Instruct.Q4_1.gguf');
const KEY = 'app-routes-secret-1';

let dir: string;
let brook: Brook;
let url: string;

beforeAll(async () => {
  if (!existsSync(MODEL)) throw new Error(`model missing at ${MODEL}: run npm run fetch-model`);
  dir = await mkdtemp(join(tmpdir(), 'brook-app-routes-'));
  const config = parseConfig(['--model', MODEL, '--data-dir', join(dir, 'chats'), '--port', '0', '--parallel', '2', '--context-size', '1024', '--api-key', KEY], {});
  if (config === 'help') throw new Error('help');
  // The window's files are not needed here: /ui/ answers that it is not built.
  const started = await Brook.start(config, { serve: true, browserUi: { rendererDir: join(dir, 'renderer') } });
  brook = started.brook;
  await started.modelLoaded;
  url = brook.server!.url;
});

afterAll(async () => {
  await brook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${KEY}` };
const app = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...auth, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

/** Follows GET /app/events as the window does: every frame, until stopped. */
function followEvents() {
  const frames: AppEvent[] = [];
  const controller = new AbortController();
  const done = fetch(`${url}/app/events`, { headers: auth, signal: controller.signal })
    .then((response) => readSse(response, performance.now(), (event) => void frames.push(JSON.parse(event.data) as AppEvent)))
    .catch(() => undefined);
  return {
    frames,
    lists: () => frames.flatMap((frame) => (frame.type === 'requests' ? [frame.requests] : [])),
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('app routes for the Local API panel (browser mode)', () => {
  it('GET /app/endpoint shows the settings, with the key the window already sent; they cannot be changed from here', async () => {
    const response = await app('/app/endpoint');
    expect(response.status).toBe(200);
    const settings = (await response.json()) as EndpointSettings;
    expect(settings).toEqual({ enabled: true, url, port: brook.server!.port, apiKey: KEY, error: null, configurable: false, ollama: { enabled: false, port: 11434, url: null, error: null } });
    expect((await fetch(`${url}/app/endpoint`)).status).toBe(401);

    for (const change of [{ enabled: false }, { port: 0 }, { apiKey: 'generate' }, { apiKey: null }]) {
      const refused = await app('/app/endpoint', { method: 'POST', body: change });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: BROWSER_MODE_ENDPOINT_MESSAGE, error_type: 'forbidden' });
    }
    const invalid = await app('/app/endpoint', { method: 'POST', body: { port: 'eighty' } });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { error: string }).error).toMatch(/`port` must be integer/);
    // Still serving as before.
    expect(brook.endpointSettings()).toEqual(settings);
    expect((await app('/health')).status).toBe(200);
  });

  it('lists a request from another tool live over /app/events, cancels it, and the client sees its stream end early', async () => {
    const events = followEvents();
    await vi.waitFor(() => expect(events.lists()).toHaveLength(1));
    const before = events.lists()[0]!.length;

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0, defaultHeaders: { 'user-agent': 'my-editor/1.0' } });
    const stream = await client.chat.completions.create({
      model: 'brook',
      messages: [{ role: 'user', content: 'Count from 1 to 400, separated by commas.' }],
      max_tokens: 900,
      temperature: 0,
      stream: true,
    });
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    })().then(
      () => null,
      (error: unknown) => error,
    );

    // Seen growing in the frames the window gets.
    let running!: ApiRequestInfo;
    await vi.waitFor(
      () => {
        const last = events.lists().at(-1)!.find((request) => request.client === 'my-editor/1.0');
        expect(last?.state).toBe('generating');
        expect(last!.tokens).toBeGreaterThanOrEqual(5);
        running = last!;
      },
      { timeout: 30_000, interval: 20 },
    );
    const counts = events
      .lists()
      .map((list) => list.find((request) => request.id === running.id)?.tokens)
      .filter((tokens): tokens is number => tokens !== undefined);
    expect(new Set(counts).size).toBeGreaterThan(1);
    expect(running).toMatchObject({ route: '/v1/chat/completions', state: 'generating' });
    expect(running.tokensPerSecond).toBeGreaterThan(0);

    const listed = (await (await app('/app/requests')).json()) as ApiRequestInfo[];
    expect(listed).toHaveLength(before + 1);
    expect(listed.at(-1)).toMatchObject({ id: running.id, client: 'my-editor/1.0' });

    const cancel = await app(`/app/requests/${running.id}/cancel`, { method: 'POST' });
    expect(await cancel.json()).toBe(true);
    const error = await reading;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toBe("Generation stopped before the end: The request was cancelled in Brook's window.");
    expect(text.length).toBeGreaterThan(0);

    await vi.waitFor(() => expect(events.lists().at(-1)!.find((request) => request.id === running.id)).toMatchObject({ state: 'cancelled' }));
    const ended = events.lists().at(-1)!.find((request) => request.id === running.id)!;
    expect(ended.tokens).toBeLessThan(900);
    expect(ended.finishedAt).not.toBeNull();
    expect(await (await app(`/app/requests/${running.id}/cancel`, { method: 'POST' })).json()).toBe(false);
    expect((await app('/app/requests/not%20an%20id/cancel', { method: 'POST' })).status).toBe(422);
    await events.stop();
  });

  it("does not list the window's own replies", async () => {
    const before = ((await (await app('/app/requests')).json()) as ApiRequestInfo[]).length;
    const conversation = (await (await app('/app/conversations', { method: 'POST' })).json()) as Conversation;
    await app('/app/settings', { method: 'POST', body: { conversationId: conversation.id, settings: { temperature: 0, max_new_tokens: 4 } } });
    const sent = await app('/app/send', { method: 'POST', body: { conversationId: conversation.id, parentId: null, content: 'Hi' } });
    expect(sent.status).toBe(200);
    await vi.waitFor(async () => {
      const saved = (await (await app(`/app/conversations/${conversation.id}`)).json()) as Conversation;
      expect(Object.values(saved.messages).some((message) => message.role === 'assistant' && message.status === 'complete')).toBe(true);
      // A loaded 2-core machine may take a while for the first token.
    }, { timeout: 60_000, interval: 100 });
    expect(((await (await app('/app/requests')).json()) as ApiRequestInfo[]).length).toBe(before);
  });
});
