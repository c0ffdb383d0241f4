// The snippets of README.md's "## Use from other tools" section, run as written against a real server
// (only the port is changed): curl through a shell, JavaScript as an .mjs file in the repository root (so
// that node_modules resolves), Python when huggingface_hub and openai are installed.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSnippets } from '../../../renderer/src/lib/snippets.js';
import { startTestServer, type TestServer } from '../testing/startTestServer.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECTION = '## Use from other tools';
/** README.md, or another Markdown file to check before it is pasted in (BROOK_README=path). */
const README = process.env.BROOK_README ?? join(ROOT, 'README.md');
const run = promisify(execFile);

interface Snippet {
  kind: 'curl' | 'javascript' | 'python';
  code: string;
  /** 1-based, among the section's snippets of its kind. */
  number: number;
}

function readSection(): string | null {
  const readme = readFileSync(README, 'utf8');
  const start = readme.split('\n').findIndex((line) => line.trim() === SECTION);
  if (start === -1) return null;
  const rest = readme.split('\n').slice(start + 1);
  const end = rest.findIndex((line) => /^## /.test(line));
  return rest.slice(0, end === -1 ? undefined : end).join('\n');
}

function snippetsOf(section: string): Snippet[] {
  const kinds: Record<string, Snippet['kind']> = { bash: 'curl', sh: 'curl', shell: 'curl', js: 'javascript', javascript: 'javascript', mjs: 'javascript', python: 'python', py: 'python' };
  const counts = { curl: 0, javascript: 0, python: 0 };
  const snippets: Snippet[] = [];
  for (const match of section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    const kind = kinds[match[1]!.toLowerCase()];
    if (!kind) continue;
    snippets.push({ kind, code: match[2]!, number: ++counts[kind] });
  }
  return snippets;
}

/** The text a snippet's output shows as generated: streamed tokens, a JSON answer, or printed text. */
function generatedText(output: string): string {
  const events = [...output.matchAll(/^data: (.*)$/gm)].map((match) => match[1]!).filter((data) => data !== '[DONE]');
  if (events.length > 0) {
    return events
      .map((data) => JSON.parse(data) as { token?: { text: string; special: boolean }; choices?: { delta?: { content?: string } }[] })
      .map((event) => (event.token && !event.token.special ? event.token.text : (event.choices?.[0]?.delta?.content ?? '')))
      .join('');
  }
  try {
    // OpenAI's choices, TGI's generated_text, Anthropic's content blocks.
    const body = JSON.parse(output) as { choices?: { message?: { content?: string }; text?: string }[]; generated_text?: string; content?: { text?: string }[] };
    return body.choices?.[0]?.message?.content ?? body.choices?.[0]?.text ?? body.generated_text ?? body.content?.map((block) => block.text ?? '').join('') ?? '';
  } catch {
    return output;
  }
}

const section = readSection();
const snippets = section ? snippetsOf(section) : [];
const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import huggingface_hub, openai'], { stdio: 'pipe' });
    return { ready: true, why: '' };
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().split('\n').at(-1);
    return { ready: false, why: `python3 cannot import huggingface_hub and openai (${stderr}); pip install huggingface_hub openai to run them` };
  }
})();

let server: TestServer;
beforeAll(async () => {
  if (snippets.length > 0) server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
// Each test's generations end with it, even when it timed out.
afterEach(() => server?.settle());

/** The snippet with the default port replaced by the test server's. */
const forServer = (code: string) => code.replaceAll(/(127\.0\.0\.1|localhost):8080\b/g, `127.0.0.1:${server.port}`);

describe('README.md "Use from other tools"', () => {
  it('has the section, with curl, JavaScript and Python snippets', () => {
    expect(section, `README.md has no "${SECTION}" section: paste /tmp/readme-use-from-other-tools.md into it`).not.toBeNull();
    expect(snippets.filter((snippet) => snippet.kind === 'curl').length, 'curl snippets').toBeGreaterThanOrEqual(2);
    expect(snippets.filter((snippet) => snippet.kind === 'javascript').length, 'JavaScript snippets').toBeGreaterThanOrEqual(2);
    expect(snippets.filter((snippet) => snippet.kind === 'python').length, 'Python snippets').toBeGreaterThanOrEqual(2);
    for (const snippet of snippets) expect(snippet.code, `${snippet.kind} snippet ${snippet.number} uses port 8080`).toMatch(/:8080\b/);
  });

  it("holds the Local API panel's examples (renderer/src/lib/snippets.ts) for http://127.0.0.1:8080 without a key, in order", () => {
    const panel = buildSnippets({ url: 'http://127.0.0.1:8080', apiKey: null });
    const fenced = [...section!.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => ({ fence: match[1], code: match[2] }));
    expect(fenced, 'README.md and the panel show the same examples: change both').toEqual(panel.map((snippet) => ({ fence: snippet.fence, code: snippet.code })));
  });

  for (const snippet of snippets.filter((s) => s.kind === 'curl')) {
    it(`curl snippet ${snippet.number} prints generated text`, async () => {
      const { stdout } = await run('bash', ['-c', forServer(snippet.code)], { cwd: ROOT, timeout: 280_000 });
      expect(generatedText(stdout).trim(), stdout).not.toBe('');
    }, 300_000);
  }

  for (const snippet of snippets.filter((s) => s.kind === 'javascript')) {
    it(`JavaScript snippet ${snippet.number} prints generated text`, async () => {
      const file = join(ROOT, `.readme-snippet-${process.pid}-${snippet.number}.mjs`);
      writeFileSync(file, forServer(snippet.code));
      try {
        const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 280_000 });
        expect(stdout.trim()).not.toBe('');
      } finally {
        rmSync(file, { force: true });
      }
    }, 300_000);
  }

  if (!python.ready && snippets.some((snippet) => snippet.kind === 'python')) console.log(`Python snippets skipped: ${python.why}`);
  for (const snippet of snippets.filter((s) => s.kind === 'python')) {
    it.skipIf(!python.ready)(`Python snippet ${snippet.number} prints generated text`, async () => {
      const { stdout } = await run('python3', ['-c', forServer(snippet.code)], { cwd: ROOT, timeout: 280_000 });
      expect(stdout.trim()).not.toBe('');
    }, 300_000);
  }
});
