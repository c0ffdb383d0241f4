// --ollama-port: a second listener that serves the same routes, or a clear message when the port is taken.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedBackend } from '../../../backends/scripted/ScriptedBackend.js';
import { Script } from '../../../backends/scripted/ScriptFile.js';
import { startTestServer } from '../../../testing/startTestServer.js';
import { startServer, type BrookServer } from '../../createServer.js';
import { alsoOnOllamaPort } from './ollamaPort.js';
import { OLLAMA_COMPATIBLE_VERSION } from './ollamaRoutes.js';

const backend = new ScriptedBackend(new Script({ default: 'Hi.' }), 8);
const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** A port that something else holds. */
async function takenPort(): Promise<number> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => holder.close(() => resolve())) });
  return (holder.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const start = (port: number): Promise<BrookServer> =>
  startServer(backend, { hostname: '127.0.0.1', port, apiKey: null, corsAllowOrigins: [], maxConcurrentRequests: 8, version: 'test' });

describe('alsoOnOllamaPort', () => {
  it("serves Ollama's routes on the second port too, and closes both", async () => {
    const main = await startTestServer({ backend });
    const messages: string[] = [];
    const port = await freePort();
    const both = await alsoOnOllamaPort(main, start, port, (message) => messages.push(message));
    open.push({ close: () => both.close() });
    expect(messages[0]).toContain(`http://127.0.0.1:${port}/api`);
    const version = await fetch(`http://127.0.0.1:${port}/api/version`);
    expect(await version.json()).toEqual({ version: OLLAMA_COMPATIBLE_VERSION });
    await both.close();
    open.pop();
    await expect(fetch(`http://127.0.0.1:${port}/api/version`)).rejects.toThrow();
    await expect(fetch(`${main.url}/api/version`)).rejects.toThrow();
  });

  it('says clearly when the port is taken, and keeps the main server running', async () => {
    const main = await startTestServer({ backend });
    open.push({ close: () => main.close() });
    const messages: string[] = [];
    const port = await takenPort();
    const result = await alsoOnOllamaPort(main, start, port, (message) => messages.push(message));
    expect(result).toBe(main);
    expect(messages).toEqual([expect.stringMatching(new RegExp(`Port ${port} is already in use \\(is Ollama itself running\\?\\).*${main.url}/api`))]);
    expect((await fetch(`${main.url}/api/version`)).status).toBe(200);
  });
});
