// Slow or stalled clients are cut off at the documented limits (10 s for headers, 30 s for the whole request),
// not up to 30 s later: Node only looks for expired requests every connectionsCheckingInterval. The margins
// below are wide (a loaded machine delays timers); before the fix the body lived 60 s and the headers 30 s.
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Script } from '../backends/scripted/ScriptFile.js';
import { ScriptedBackend } from '../backends/scripted/ScriptedBackend.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './clientLimits.js';

/** Slack over a limit before a stalled request counts as overstaying (Node's old check came up to 30 s late). */
const SLACK_MS = 12_000;

let server: TestServer<ScriptedBackend>;

beforeAll(async () => {
  server = await startTestServer({ backend: new ScriptedBackend(new Script({}), 128) });
});

afterAll(async () => {
  await server?.stop();
});

/** Sends `start` and then nothing more; resolves with what the server answered and when it closed. */
function stall(start: string): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve) => {
    const began = performance.now();
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ answer, ms: performance.now() - began }));
    socket.write(start);
  });
}

it(
  'a request whose headers or body stall is refused with 408 in the error shape, soon after its limit',
  async () => {
    const host = `Host: 127.0.0.1:${server.port}\r\n`;
    const [headers, body] = await Promise.all([
      stall(`POST /generate HTTP/1.1\r\n${host}Content-Type: application/json\r\n`),
      stall(`POST /generate HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"inputs":`),
    ]);
    for (const [stalled, limit] of [
      [headers, HEADERS_TIMEOUT_MS],
      [body, REQUEST_TIMEOUT_MS],
    ] as const) {
      expect(stalled.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(stalled.answer.split('\r\n\r\n')[1]!)).toEqual({ error: expect.stringMatching(/in time/), error_type: 'validation' });
      expect(stalled.ms).toBeGreaterThanOrEqual(limit - 1_000);
      expect(stalled.ms).toBeLessThan(limit + SLACK_MS);
    }
  },
  REQUEST_TIMEOUT_MS + 60_000,
);
