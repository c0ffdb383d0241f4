// The Local API panel's examples: filled with the URL and the key, and run as shown (curl through a shell,
// JavaScript as an .mjs file in the repository root so that node_modules resolves, Python when its clients are
// installed) against a real server that requires that key. README.md's copies are checked and run by
// electron/core/server/readmeSnippets.test.ts.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../electron/core/testing/startTestServer.js';
import { buildSnippets, SNIPPET_LANGUAGES } from './snippets';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KEY = 'brook-snippet-test-key_0123456789';
const run = promisify(execFile);

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import huggingface_hub, openai, ollama, anthropic'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('buildSnippets', () => {
  it('gives the examples per language (TGI or huggingface, OpenAI, Ollama, and Anthropic for curl and Python), in the order of the tabs', () => {
    const snippets = buildSnippets({ url: 'http://127.0.0.1:9000', apiKey: null });
    expect(snippets.map((snippet) => snippet.language)).toEqual([
      ...Array<string>(4).fill('curl'),
      ...Array<string>(4).fill('python'),
      ...Array<string>(3).fill('javascript'),
    ]);
    expect(SNIPPET_LANGUAGES.map((option) => option.language)).toEqual(['curl', 'python', 'javascript']);
    expect(new Set(snippets.map((snippet) => snippet.id)).size).toBe(11);
  });

  it('fills in the URL (without a trailing slash) and, without a key, what the OpenAI clients need', () => {
    const snippets = buildSnippets({ url: 'http://127.0.0.1:9000/', apiKey: null });
    for (const snippet of snippets) {
      expect(snippet.code).toContain('http://127.0.0.1:9000');
      expect(snippet.code).not.toContain('9000//');
      expect(snippet.code).not.toContain('Bearer');
    }
    expect(snippets.find((snippet) => snippet.id === 'python-openai')!.code).toContain('api_key="not-needed"');
    expect(snippets.find((snippet) => snippet.id === 'python-anthropic')!.code).toContain('api_key="not-needed"');
    expect(snippets.find((snippet) => snippet.id === 'curl-anthropic')!.code).not.toContain('x-api-key');
    expect(snippets.find((snippet) => snippet.id === 'js-huggingface-inference')!.code).toContain('new InferenceClient();');
    expect(snippets.find((snippet) => snippet.id === 'python-ollama')!.code).toContain('Client(host="http://127.0.0.1:9000")\n');
    expect(snippets.find((snippet) => snippet.id === 'js-ollama')!.code).toContain('new Ollama({ host: "http://127.0.0.1:9000" });');
  });

  it('puts the key where each client takes it', () => {
    const byId = Object.fromEntries(buildSnippets({ url: 'http://127.0.0.1:9000', apiKey: KEY }).map((snippet) => [snippet.id, snippet.code]));
    expect(byId['curl-tgi']).toContain(`-H 'Authorization: Bearer ${KEY}' \\\n`);
    expect(byId['curl-openai']).toContain(`-H 'Authorization: Bearer ${KEY}' \\\n`);
    expect(byId['python-huggingface-hub']).toContain(`InferenceClient("http://127.0.0.1:9000", token="${KEY}")`);
    expect(byId['python-openai']).toContain(`api_key="${KEY}"`);
    expect(byId['js-huggingface-inference']).toContain(`new InferenceClient("${KEY}");`);
    expect(byId['js-openai']).toContain(`apiKey: "${KEY}"`);
    expect(byId['curl-ollama']).toContain(`-H 'Authorization: Bearer ${KEY}' \\\n`);
    expect(byId['python-ollama']).toContain(`headers={"Authorization": "Bearer ${KEY}"}`);
    expect(byId['js-ollama']).toContain(`headers: { Authorization: "Bearer ${KEY}" }`);
    expect(byId['curl-anthropic']).toContain(`-H 'x-api-key: ${KEY}' \\\n`);
    expect(byId['python-anthropic']).toContain(`api_key="${KEY}"`);
  });

  it('quotes a key for the shell and for Python and JavaScript strings', () => {
    const key = `it's"a\\key`;
    const byId = Object.fromEntries(buildSnippets({ url: 'http://127.0.0.1:9000', apiKey: key }).map((snippet) => [snippet.id, snippet.code]));
    expect(byId['curl-tgi']).toContain(`-H 'Authorization: Bearer it'\\''s"a\\key'`);
    expect(byId['js-openai']).toContain(`apiKey: ${JSON.stringify(key)}`);
  });
});

describe('the examples, filled with a key, against a server that requires it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ apiKey: KEY });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses requests without the key', async () => {
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(401);
  });

  const snippets = buildSnippets({ url: 'http://127.0.0.1:8080', apiKey: KEY });
  /** The same example for the test server's port (the URL is filled in by buildSnippets, like the port). */
  const forServer = (id: string) => buildSnippets({ url: server.url, apiKey: KEY }).find((snippet) => snippet.id === id)!.code;

  for (const snippet of snippets.filter((s) => s.language === 'curl')) {
    it(`${snippet.id} prints generated text`, async () => {
      const { stdout } = await run('bash', ['-c', `${forServer(snippet.id).trim()} --fail-with-body`], { cwd: ROOT, timeout: 120_000 });
      expect(stdout).not.toMatch(/unauthorized/i);
      expect(stdout).toMatch(/"(text|content)":"[^"]/);
    }, 150_000);
  }

  for (const snippet of snippets.filter((s) => s.language === 'javascript')) {
    it(`${snippet.id} prints generated text`, async () => {
      const file = join(ROOT, `.panel-snippet-${process.pid}-${snippet.id}.mjs`);
      writeFileSync(file, forServer(snippet.id));
      try {
        const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 120_000 });
        expect(stdout.trim()).not.toBe('');
      } finally {
        rmSync(file, { force: true });
      }
    }, 150_000);
  }

  if (!python) console.log('Python examples skipped: python3 cannot import huggingface_hub, openai, ollama and anthropic (pip install huggingface_hub openai ollama anthropic to run them)');
  for (const snippet of snippets.filter((s) => s.language === 'python')) {
    it.skipIf(!python)(`${snippet.id} prints generated text`, async () => {
      const { stdout } = await run('python3', ['-c', forServer(snippet.id)], { cwd: ROOT, timeout: 120_000 });
      expect(stdout.trim()).not.toBe('');
    }, 150_000);
  }
});
