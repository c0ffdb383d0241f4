// Every refusal has the documented shape {"error", "error_type"}: Node's own (malformed request, headers too
// large), Fastify's (a URL that does not decode), the window's static files (a path leading outside), and
// bodies that are not UTF-8 JSON. On the real server, over raw sockets where a client library would fix the request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Script } from '../backends/scripted/ScriptFile.js';
import { ScriptedBackend } from '../backends/scripted/ScriptedBackend.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';
import { uiRoutes } from './uiRoutes.js';

let server: TestServer<ScriptedBackend>;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'brook-ui-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Brook</title>');
  server = await startTestServer({ backend: new ScriptedBackend(new Script({ tokensPerSecond: 1000 }), 128), plugins: [uiRoutes({ rendererDir })] });
});

afterAll(async () => {
  await server?.stop();
});

/** Sends `request` as raw bytes and reads until the server closes: status line and parsed JSON body. */
function raw(request: string | Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      try {
        resolve({ status, body: JSON.parse(body) });
      } catch {
        reject(new Error(`not a JSON answer: ${text.slice(0, 300)}`));
      }
    });
    // Not end(): Node drops a request whose client half-closes before the answer.
    socket.write(request);
  });
}

const host = () => `Host: 127.0.0.1:${server.port}\r\nConnection: close\r\n`;
const shape = (errorType: string) => ({ error: expect.stringMatching(/\w/), error_type: errorType });

function post(path: string, contentType: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${host()}Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
}

describe("Node's and Fastify's own refusals", () => {
  it('a malformed request: 400 in the error shape', async () => {
    const answer = await raw('GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n');
    expect(answer).toEqual({ status: 400, body: shape('validation') });
  });

  it('headers past the limit: 431 in the error shape', async () => {
    const answer = await raw(`GET /health HTTP/1.1\r\n${host()}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toEqual({ status: 431, body: shape('payload_too_large') });
  });

  it('a URL whose percent-escapes do not decode: 400 in the error shape', async () => {
    const answer = await raw(`GET /ui/%E0%A4%A HTTP/1.1\r\n${host()}\r\n`);
    expect(answer).toEqual({ status: 400, body: shape('validation') });
  });

  it('a path leading outside the window\'s files: 403 "forbidden"', async () => {
    for (const path of ['/ui/../package.json', '/ui/.%2e/.%2e/package.json']) {
      const answer = await raw(`GET ${path} HTTP/1.1\r\n${host()}\r\n`);
      expect(answer).toEqual({ status: 403, body: shape('forbidden') });
    }
  });
});

describe('JSON bodies are UTF-8', () => {
  const request = (inputs: Buffer) => Buffer.concat([Buffer.from('{"inputs":"'), inputs, Buffer.from('","parameters":{"max_new_tokens":2}}')]);

  it('bytes that are not UTF-8: 422 saying so, not a reply to replacement characters', async () => {
    const answer = await raw(post('/generate', 'application/json', request(Buffer.from([0x48, 0xff, 0xfe, 0x69]))));
    expect(answer).toEqual({ status: 422, body: shape('validation') });
    expect((answer.body as { error: string }).error).toMatch(/UTF-8/);
  });

  it('another declared charset: 415 saying Brook reads UTF-8', async () => {
    const answer = await raw(post('/generate', 'application/json; charset=ISO-8859-1', request(Buffer.from('caf\xe9', 'latin1'))));
    expect(answer).toEqual({ status: 415, body: shape('unsupported_media_type') });
    expect((answer.body as { error: string }).error).toMatch(/UTF-8/);
  });

  it('UTF-8, declared or not, is read as before', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"']) {
      const answer = await raw(post('/generate', type, request(Buffer.from('café ☕'))));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ generated_text: expect.any(String) });
    }
  });
});
