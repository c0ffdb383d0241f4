import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config.js';
import { brookArgs, desktopConfig } from './desktopConfig.js';

const PATHS = { userData: '/home/u/.config/Brook', modelsDir: '/opt/Brook/resources/models' };

describe('brookArgs', () => {
  it("keeps Brook's flags and drops Electron's and Chromium's", () => {
    expect(
      brookArgs(['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', '.', '--port', '0', '--no-sandbox', '--model=/m.gguf', '--enable-logging', '--cors-allow-origin', 'http://a', '--help']),
    ).toEqual(['--port', '0', '--model=/m.gguf', '--cors-allow-origin', 'http://a', '--help']);
  });

  it('keeps the remote-server flags, so `npm start -- --remote URL` reaches Brook', () => {
    expect(brookArgs(['electron', '.', '--remote', 'http://gpu-box:8080', '--remote-protocol=tgi', '--remote-api-key', 'k'])).toEqual([
      '--remote',
      'http://gpu-box:8080',
      '--remote-protocol=tgi',
      '--remote-api-key',
      'k',
    ]);
    const result = desktopConfig(['electron', '.', '--remote', 'http://gpu-box:8080'], PATHS, {});
    if (result === 'help') throw new Error('help');
    expect(result.config.remote).toEqual({ url: 'http://gpu-box:8080', protocol: 'auto', apiKey: null });
  });

  it('drops a value flag at the very end', () => {
    expect(brookArgs(['electron', '.', '--port'])).toEqual([]);
  });
});

describe('desktopConfig', () => {
  it("defaults: chats in the user data folder, the bundled model from the resources, the CLI's port", () => {
    const result = desktopConfig(['/opt/Brook/brook'], PATHS, {});
    if (result === 'help') throw new Error('help');
    expect(result.config.dataDir).toBe(join(PATHS.userData, 'chats'));
    expect(result.config.modelPath).toBe(join(PATHS.modelsDir, 'SmolLM2-135M-Instruct.Q4_1.gguf'));
    expect(result.config.port).toBe(8080);
    expect(result.config.hostname).toBe('127.0.0.1');
    expect(result.portExplicit).toBe(false);
    expect(result.apiKeyExplicit).toBe(false);
  });

  it('flags win over the desktop defaults', () => {
    const result = desktopConfig(['electron', '.', '--port', '0', '--data-dir', '/tmp/chats', '--model=/m.gguf', '--api-key', 'k'], PATHS, {});
    if (result === 'help') throw new Error('help');
    expect(result.config).toMatchObject({ port: 0, dataDir: '/tmp/chats', modelPath: '/m.gguf', apiKey: 'k' });
    expect(result.portExplicit).toBe(true);
    expect(result.apiKeyExplicit).toBe(true);
    expect(result.ollamaPortExplicit).toBe(false);
    const ollama = desktopConfig(['electron', '.', '--ollama-port', '11500'], PATHS, {});
    expect(ollama !== 'help' && [ollama.config.ollamaPort, ollama.ollamaPortExplicit]).toEqual([11500, true]);
  });

  it('reads BROOK_API_KEY like the CLI, and reports bad values as ConfigError', () => {
    const result = desktopConfig(['electron', '.'], PATHS, { BROOK_API_KEY: 'secret' });
    expect(result !== 'help' && result.config.apiKey).toBe('secret');
    expect(result !== 'help' && result.apiKeyExplicit).toBe(true);
    expect(() => desktopConfig(['electron', '.', '--port', 'abc'], PATHS, {})).toThrow(ConfigError);
    expect(desktopConfig(['electron', '.', '--help'], PATHS, {})).toBe('help');
  });
});
