// The Host guard when Brook listens beyond loopback (--hostname with --api-key): requests addressed to the
// address it listens on, or for 0.0.0.0 / :: to any of this machine's addresses, are let through to the key check.
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Script } from '../backends/scripted/ScriptFile.js';
import { ScriptedBackend } from '../backends/scripted/ScriptedBackend.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';
import { isAllowedHostName } from './requestGuards.js';

const address = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as ReturnType<typeof networkInterfaces>[string] extends (infer A)[] | undefined ? A : never;
const INTERFACES = {
  lo: [address('127.0.0.1', 'IPv4', true), address('::1', 'IPv6', true)],
  eth0: [address('192.168.1.20', 'IPv4'), address('fd00::2', 'IPv6')],
};

describe('isAllowedHostName', () => {
  it('always allows loopback names', () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST']) expect(isAllowedHostName(name, '127.0.0.1', INTERFACES)).toBe(true);
  });

  it('allows the address listened on, in any spelling', () => {
    expect(isAllowedHostName('192.168.1.20', '192.168.1.20', INTERFACES)).toBe(true);
    expect(isAllowedHostName('[FD00:0::2]', 'fd00::2', INTERFACES)).toBe(true);
    expect(isAllowedHostName('Brook.Example', 'brook.example', INTERFACES)).toBe(true);
    expect(isAllowedHostName('192.168.1.20', '127.0.0.1', INTERFACES)).toBe(false);
  });

  it("for 0.0.0.0 allows this machine's IPv4 addresses, for :: all of them", () => {
    expect(isAllowedHostName('192.168.1.20', '0.0.0.0', INTERFACES)).toBe(true);
    expect(isAllowedHostName('[fd00::2]', '0.0.0.0', INTERFACES)).toBe(false);
    expect(isAllowedHostName('[fd00::2]', '::', INTERFACES)).toBe(true);
    expect(isAllowedHostName('192.168.1.20', '::', INTERFACES)).toBe(true);
  });

  it('refuses other names, and names that are not host names at all', () => {
    for (const name of ['evil.example', '192.168.1.21', '0.0.0.0', '192.168.1.20/x', '[fd00::2%eth0]', '']) {
      expect(isAllowedHostName(name, '0.0.0.0', INTERFACES)).toBe(false);
    }
  });
});

describe('a server on 0.0.0.0 with a key', () => {
  const KEY = 'listening-address-key';
  const machine = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
  let server: TestServer<ScriptedBackend>;

  beforeAll(async () => {
    server = await startTestServer({ backend: new ScriptedBackend(new Script({}), 128), hostname: '0.0.0.0', apiKey: KEY });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const get = (host: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/info', headers: { Host: `${host}:${server.port}`, ...headers }, setHost: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it.skipIf(machine === undefined)("answers requests addressed to this machine's address (with the key)", async () => {
    expect((await get(machine!, { Authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect((await get(machine!)).status).toBe(401);
  });

  it('refuses other names with 403, saying which addresses it answers', async () => {
    const response = await get('evil.example', { Authorization: `Bearer ${KEY}` });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error_type: 'forbidden', error: expect.stringContaining('--hostname') });
    if (machine) expect(JSON.parse(response.body).error).toContain(machine);
  });
});
