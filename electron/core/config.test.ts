import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type BrookConfig } from './config.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): BrookConfig => {
  const config = parseConfig(argv, env);
  if (config === 'help') throw new Error('help');
  return config;
};
const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('parseConfig', () => {
  it('defaults: a local model, no remote, no script, no key', () => {
    expect(parse([])).toMatchObject({ hostname: '127.0.0.1', apiKey: null, remote: null, scriptedPath: null });
  });

  describe('API key', () => {
    it('takes --api-key, else BROOK_API_KEY', () => {
      expect(parse(['--api-key', 'k']).apiKey).toBe('k');
      expect(parse([], { BROOK_API_KEY: 'e' }).apiKey).toBe('e');
      expect(parse(['--api-key', 'k'], { BROOK_API_KEY: 'e' }).apiKey).toBe('k');
    });

    it('refuses an empty key, which would start a server nobody can use', () => {
      expect(refusal(['--api-key', ''])).toMatch(/--api-key is empty/);
      expect(refusal(['--api-key=  '])).toMatch(/--api-key is empty/);
      expect(refusal([], { BROOK_API_KEY: '' })).toMatch(/BROOK_API_KEY is empty/);
    });
  });

  describe('--remote', () => {
    it('takes an http(s) URL, protocol auto by default, key from flag or BROOK_REMOTE_API_KEY', () => {
      expect(parse(['--remote', 'http://127.0.0.1:8081/']).remote).toEqual({ url: 'http://127.0.0.1:8081', protocol: 'auto', apiKey: null });
      expect(parse(['--remote', 'https://example.org/v1', '--remote-protocol', 'openai', '--remote-api-key', 'r']).remote).toEqual({
        url: 'https://example.org/v1',
        protocol: 'openai',
        apiKey: 'r',
      });
      expect(parse(['--remote', 'http://h:1', '--remote-protocol', 'tgi'], { BROOK_REMOTE_API_KEY: 'x' }).remote).toEqual({ url: 'http://h:1', protocol: 'tgi', apiKey: 'x' });
    });

    it('refuses what is not an http(s) URL, an unknown protocol, an empty key, and options without --remote', () => {
      expect(refusal(['--remote', 'localhost:8081'])).toMatch(/http:\/\/ or https:\/\//);
      expect(refusal(['--remote', 'not a url'])).toMatch(/--remote must be a URL/);
      expect(refusal(['--remote', 'ftp://h/'])).toMatch(/http:\/\/ or https:\/\//);
      expect(refusal(['--remote', 'http://h', '--remote-protocol', 'ollama'])).toMatch(/auto, tgi, openai/);
      expect(refusal(['--remote', 'http://h', '--remote-api-key', ''])).toMatch(/--remote-api-key is empty/);
      expect(refusal(['--remote-protocol', 'tgi'])).toMatch(/only apply with --remote/);
    });
  });

  describe('--scripted', () => {
    it('takes an existing script file', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'brook-config-')), 'script.json');
      writeFileSync(path, '{}');
      expect(parse(['--scripted', path]).scriptedPath).toBe(path);
    });

    it('refuses a missing file', () => {
      expect(refusal(['--scripted', '/nonexistent/script.json'])).toMatch(/does not exist/);
    });
  });

  it('refuses two sources of generation at once', () => {
    expect(refusal(['--model', '/m.gguf', '--remote', 'http://h'])).toMatch(/--model and --remote/);
  });
});
