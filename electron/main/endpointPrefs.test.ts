// The Local API panel's saved choices: what wins at start (flags over saved over defaults), and the file itself.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type BrookConfig } from '../core/config.js';
import type { EndpointSettings } from '../core/wire/endpoint.js';
import { applyEndpointPrefs, EndpointPrefsFile } from './endpointPrefs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'brook-endpoint-prefs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (...argv: string[]): BrookConfig => {
  const parsed = parseConfig(argv, {});
  if (parsed === 'help') throw new Error('help');
  return parsed;
};
const none = { portExplicit: false, apiKeyExplicit: false, ollamaPortExplicit: false };
const settings = (over: Partial<EndpointSettings>): EndpointSettings => ({ enabled: true, url: 'http://127.0.0.1:9000', port: 9000, apiKey: null, error: null, configurable: true, ollama: { enabled: false, port: 11434, url: null, error: null }, ...over });

describe('applyEndpointPrefs', () => {
  it('leaves the defaults when nothing was saved', () => {
    const base = config();
    expect(applyEndpointPrefs(base, none, {})).toEqual({ config: base, serve: true, portExplicit: false });
  });

  it('uses the saved port (as explicit: a busy one is reported), key and on/off', () => {
    const result = applyEndpointPrefs(config(), none, { enabled: false, port: 9100, apiKey: 'brook-saved-key' });
    expect(result.config).toMatchObject({ port: 9100, apiKey: 'brook-saved-key' });
    expect(result.serve).toBe(false);
    expect(result.portExplicit).toBe(true);
    // A removed key is saved as null and stays removed.
    expect(applyEndpointPrefs(config(), none, { apiKey: null }).config.apiKey).toBeNull();
  });

  it('lets the command line win for that run', () => {
    const flags = config('--port', '9200', '--api-key', 'from-the-flag');
    const result = applyEndpointPrefs(flags, { portExplicit: true, apiKeyExplicit: true, ollamaPortExplicit: false }, { port: 9100, apiKey: 'brook-saved-key' });
    expect(result.config).toMatchObject({ port: 9200, apiKey: 'from-the-flag' });
    expect(result.portExplicit).toBe(true);
  });

  it("turns the Ollama port on or off as saved (Ollama's own port), unless --ollama-port was given", () => {
    expect(applyEndpointPrefs(config(), none, { ollama: true }).config.ollamaPort).toBe(11434);
    expect(applyEndpointPrefs(config('--ollama-port', '11500'), none, { ollama: false }).config.ollamaPort).toBeNull();
    expect(applyEndpointPrefs(config('--ollama-port', '11500'), { ...none, ollamaPortExplicit: true }, { ollama: false }).config.ollamaPort).toBe(11500);
    expect(applyEndpointPrefs(config(), none, {}).config.ollamaPort).toBeNull();
  });
});

describe('EndpointPrefsFile', () => {
  it('starts empty without a file, records only what the panel changed, and reads it back', async () => {
    const path = join(dir, 'nested', 'endpoint.json');
    const prefs = await EndpointPrefsFile.open(path);
    expect(prefs.current).toEqual({});

    await prefs.record({ port: 9000 }, settings({ port: 9000 }));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ port: 9000 });
    // A generated key is saved as the key itself.
    await prefs.record({ apiKey: 'generate' }, settings({ apiKey: 'brook-generated' }));
    await prefs.record({ enabled: false }, settings({ enabled: false, url: null, apiKey: 'brook-generated' }));
    await prefs.record({ ollama: true }, settings({ ollama: { enabled: true, port: 11434, url: null, error: 'Port 11434 is already in use' } }));
    expect(prefs.current).toEqual({ port: 9000, apiKey: 'brook-generated', enabled: false, ollama: true });
    // It may hold a key: readable by this user only.
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);

    const reopened = await EndpointPrefsFile.open(path);
    expect(reopened.current).toEqual({ port: 9000, apiKey: 'brook-generated', enabled: false, ollama: true });
    await reopened.record({ apiKey: null }, settings({ apiKey: null }));
    expect((await EndpointPrefsFile.open(path)).current).toEqual({ port: 9000, apiKey: null, enabled: false, ollama: true });
  });

  it('ignores a broken or foreign file, saying so', async () => {
    const warnings: string[] = [];
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ not json');
    expect((await EndpointPrefsFile.open(path, (message) => warnings.push(message))).current).toEqual({});
    await writeFile(path, JSON.stringify({ port: 'eighty' }));
    expect((await EndpointPrefsFile.open(path, (message) => warnings.push(message))).current).toEqual({});
    expect(warnings).toEqual([`${path} is not valid JSON; using the default endpoint settings.`, `${path} does not hold endpoint settings; using the defaults.`]);
  });
});
