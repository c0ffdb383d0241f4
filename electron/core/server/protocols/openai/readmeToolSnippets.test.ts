// The snippets of README.md's "## Tools and structured output" section, run as written against a real server
// (only the port is changed): curl through a shell, Python when openai and pydantic are installed. What they
// print must be a valid call or valid JSON; the model's words are not checked. BROOK_README=path checks a
// draft of the section before it is pasted into README.md.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/startTestServer.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const SECTION = '## Tools and structured output';
const README = process.env.BROOK_README ?? join(ROOT, 'README.md');
const run = promisify(execFile);

function readSection(): string | null {
  const lines = readFileSync(README, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === SECTION);
  if (start === -1) return null;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^## /.test(line));
  return rest.slice(0, end === -1 ? undefined : end).join('\n');
}

const section = readSection();
if (!section) console.log(`[readmeToolSnippets.test] skipped: ${README} has no "${SECTION}" section yet`);
const snippets = [...(section ?? '').matchAll(/^```(bash|python)\n([\s\S]*?)^```$/gm)].map((match) => ({ kind: match[1]!, code: match[2]! }));
const pythonReady = (() => {
  try {
    execFileSync('python3', ['-c', 'import openai, pydantic'], { stdio: 'pipe' });
    return true;
  } catch {
    console.log('[readmeToolSnippets.test] Python snippets skipped: python3 cannot import openai and pydantic');
    return false;
  }
})();

let server: TestServer;
beforeAll(async () => {
  if (snippets.length > 0) server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(() => server?.settle());

const forServer = (code: string) => code.replaceAll(/(127\.0\.0\.1|localhost):8080\b/g, `127.0.0.1:${server.port}`);

describe.skipIf(section === null)(`README.md "${SECTION}"`, () => {
  it('has curl and Python examples of a tool call and of structured output', () => {
    expect(snippets.filter((snippet) => snippet.kind === 'bash').length).toBeGreaterThanOrEqual(2);
    expect(snippets.filter((snippet) => snippet.kind === 'python').length).toBeGreaterThanOrEqual(2);
    expect(section).toMatch(/"tools"/);
    expect(section).toMatch(/"response_format"/);
  });

  snippets.forEach((snippet, index) => {
    it.skipIf(snippet.kind === 'python' && !pythonReady)(`${snippet.kind} snippet ${index + 1} prints a valid call or valid JSON`, async () => {
      const { stdout } = snippet.kind === 'bash'
        ? await run('bash', ['-c', forServer(snippet.code)], { cwd: ROOT, timeout: 280_000 })
        : await run('python3', ['-c', forServer(snippet.code)], { cwd: ROOT, timeout: 280_000 });
      if (snippet.kind === 'python') {
        expect(stdout.trim()).not.toBe('');
        return;
      }
      const message = (JSON.parse(stdout) as { choices: { message: { content: string | null; tool_calls?: { function: { arguments: string } }[] } }[] }).choices[0]!.message;
      if (message.tool_calls) for (const call of message.tool_calls) expect(typeof JSON.parse(call.function.arguments)).toBe('object');
      else expect(typeof JSON.parse(message.content!)).toBe('object');
    }, 300_000);
  });
});
