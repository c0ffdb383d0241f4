// Brook's headless server (`electron/cli.ts`) in a child process, as `npm run serve` runs it: what the bench
// measures over real sockets. Its counterpart for llama.cpp is scripts/llamaServer.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BrookServerOptions {
  threads: number;
  /** Sequences (requests generated at once). */
  parallel: number;
  /** Tokens per request (prompt + reply). */
  contextSize: number;
  /** Longest wait for "Model ready", in ms. Default 120 s. */
  readyTimeoutMs?: number;
}

export interface RunningBrookServer {
  url: string;
  /** The server's process, for its CPU times (scripts/processCpu.ts). */
  pid: number;
  /** Ends the server (SIGINT, as Ctrl-C would) and resolves once it has exited, its data folder removed. */
  stop(): Promise<void>;
}

export async function startBrookServer(options: BrookServerOptions): Promise<RunningBrookServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-bench-'));
  const args = ['--import', 'tsx', 'electron/cli.ts', '--port', '0', '--data-dir', dataDir];
  args.push('--parallel', String(options.parallel), '--context-size', String(options.contextSize), '--threads', String(options.threads));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Brook's server was not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const check = () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match && output.includes('Model ready')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Brook's server exited with ${code} before it was ready:\n${output}`));
      });
    });
    return { url, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
