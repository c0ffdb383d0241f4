// The headless CLI as a user meets it: its messages at start, its failures before anything listens, and
// stopping it by a signal, also one sent to npm's process. The scripted backend stands in for the model.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'brook-cli-'));
const SCRIPT = join(dir, 'script.json');
writeFileSync(SCRIPT, JSON.stringify({ default: 'Hello from the script.' }));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running: Run[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      // SIGTERM first: npm passes it on (SIGKILL would leave its children behind).
      run.child.kill('SIGTERM');
      const killed = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
      await run.exited;
      clearTimeout(killed);
    }
    await run.exited;
  }
});

function run(command: string, args: string[]): Run {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = { child, output: () => output, exited };
  running.push(started);
  return started;
}

const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'electron/cli.ts', '--data-dir', join(dir, 'chats'), ...args]);

describe('npm run serve (electron/cli.ts)', () => {
  it('a missing --model fails before anything listens, naming the file', async () => {
    const { exited, output } = cli('--model', '/missing/model.gguf', '--port', '0');
    expect(await exited).toBe(2);
    expect(output()).toContain('/missing/model.gguf');
    expect(output()).toContain('--model');
    expect(output()).not.toMatch(/listening/i);
  });

  it('a busy port gets a hint about --port, not a raw EADDRINUSE', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const { exited, output } = cli('--scripted', SCRIPT, '--port', String(port));
      expect(await exited).toBe(1);
      expect(output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(output()).toContain('--port 0');
      expect(output()).not.toContain('EADDRINUSE');
    } finally {
      taken.close();
    }
  });

  it('says how to stop and where the window is, prints a curl example that works with the key, and stops on Ctrl-C', async () => {
    const KEY = 'cli-test-key';
    const brook = cli('--scripted', SCRIPT, '--port', '0', '--api-key', KEY);
    await vi.waitFor(() => expect(brook.output()).toContain('OpenAPI:'), { timeout: 60_000, interval: 200 });
    const output = brook.output();
    expect(output).toContain('Press Ctrl-C to stop.');
    expect(output).toMatch(/Window: {2}http:\/\/127\.0\.0\.1:\d+\/ui\/ {2}\(open this address in a browser/);
    const curl = /^ {2}TGI: {5}(curl .*)$/m.exec(output)?.[1];
    expect(curl).toContain(`-H 'Authorization: Bearer ${KEY}'`);
    // The example as printed, run by a shell: it answers with events, not 401.
    const example = run('sh', ['-c', `${curl!.replace('curl -N', 'curl -sS -N --fail-with-body')}`]);
    expect(await example.exited).toBe(0);
    expect(example.output()).toContain('data:');

    brook.child.kill('SIGINT');
    expect(await brook.exited).toBe(0);
    expect(brook.output()).toContain('Brook stopped.');
  });

  it('stops when npm, which runs it under sh, gets SIGTERM', async () => {
    const npm = run('npm', ['run', 'serve', '--', '--scripted', SCRIPT, '--port', '0', '--data-dir', join(dir, 'npm-chats')]);
    // npm run serve fetches the model if missing and builds the app first.
    await vi.waitFor(() => expect(npm.output()).toMatch(/listening on http:\/\/\S+/), { timeout: 240_000, interval: 500 });
    const url = /listening on (http:\/\/\S+)/.exec(npm.output())![1]!;
    expect((await fetch(`${url}/health`)).status).toBe(200);

    npm.child.kill('SIGTERM');
    // Before the fix, sh died and Brook kept serving with nobody to stop it.
    await vi.waitFor(() => expect(npm.output()).toContain('Brook stopped.'), { timeout: 60_000, interval: 200 });
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await npm.exited;
  }, 300_000);
});
