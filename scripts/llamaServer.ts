// llama.cpp's own `llama-server`, the reference peer of `npm run bench` and an upstream for the remote-backend
// tests. It is built once from the llama.cpp source node-llama-cpp ships (so both run the same kernels) into
// the ignored folder .cache/llama.cpp, and reused from there.
//
//   ensureLlamaServer()  → { path } of the binary, building it first when missing (about 10 minutes on 2
//                          cores), or { skipped: reason } where it cannot be built (no git, cmake or compiler).
//   startLlamaServer({ modelPath, threads, parallel, ctxSize }) → { url, stop() } once /health answers 200.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
export const LLAMA_CPP_DIR = join(ROOT, '.cache', 'llama.cpp');
export const LLAMA_SERVER_PATH = join(LLAMA_CPP_DIR, 'build', 'bin', 'llama-server');

const run = promisify(execFile);

/** Output of a failed command, last lines only: enough to say why, short enough for a table's footnote. */
function failure(step: string, error: unknown): string {
  const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message?: string };
  const output = `${stderr ?? ''}${stdout ?? ''}`.trim() || message || String(error);
  return `${step} failed: ${output.split('\n').slice(-5).join(' | ')}`;
}

/**
 * The path of `llama-server`, building it once when it is missing: `git clone` of node-llama-cpp's bundle into
 * .cache/llama.cpp, then a CMake Release build of the one target. Never throws: where the build cannot run
 * the answer is `{ skipped }` with the reason, for the bench to print. Not safe to call from two processes at
 * once while the binary is missing (both would build into the same folder).
 */
export async function ensureLlamaServer(log: (line: string) => void = () => undefined): Promise<{ path: string } | { skipped: string }> {
  if (existsSync(LLAMA_SERVER_PATH)) return { path: LLAMA_SERVER_PATH };
  if (!existsSync(BUNDLE)) return { skipped: `llama.cpp source bundle not found at ${BUNDLE}; run npm install` };
  const steps: [string, string, string[], string][] = [];
  if (!existsSync(join(LLAMA_CPP_DIR, 'CMakeLists.txt'))) {
    mkdirSync(dirname(LLAMA_CPP_DIR), { recursive: true });
    steps.push(['git clone', 'git', ['clone', '--quiet', BUNDLE, LLAMA_CPP_DIR], ROOT]);
  }
  steps.push(
    ['cmake configure', 'cmake', ['-B', 'build', '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', '-DLLAMA_CURL=OFF', '-DLLAMA_OPENSSL=OFF'], LLAMA_CPP_DIR],
    ['cmake build', 'cmake', ['--build', 'build', '--target', 'llama-server', '-j2'], LLAMA_CPP_DIR],
  );
  log(`Building llama-server from node-llama-cpp's llama.cpp source into ${LLAMA_CPP_DIR} (once; about 10 minutes on 2 cores)…`);
  for (const [step, command, args, cwd] of steps) {
    try {
      await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      return { skipped: failure(step, error) };
    }
  }
  return existsSync(LLAMA_SERVER_PATH) ? { path: LLAMA_SERVER_PATH } : { skipped: `the build finished but ${LLAMA_SERVER_PATH} is missing` };
}

export interface LlamaServerOptions {
  modelPath: string;
  /** CPU threads, for generation and for prompt processing alike. */
  threads: number;
  /** Slots that generate at once (`-np`); continuous batching merges them into one decode. */
  parallel: number;
  /** Tokens of context per slot (llama-server's `-c` is the total, so it gets ctxSize × parallel). */
  ctxSize: number;
  /** The binary; `ensureLlamaServer()`'s by default. */
  binary?: string;
  /** Longest wait for /health, in ms (loading the model). Default 120 s. */
  readyTimeoutMs?: number;
  /** More command-line arguments, appended as given. */
  extraArgs?: string[];
}

export interface RunningLlamaServer {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  /** The server's process, for its CPU times (scripts/processCpu.ts). */
  pid: number;
  /** Ends the server (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `llama-server` on a free port of 127.0.0.1 and resolves once GET /health answers 200 (the model is
 * loaded). Rejects, with the end of the server's output, when it exits first or is not ready in time; the
 * process is stopped then. Callers must `stop()` it when done (a test's teardown, the bench's end).
 */
export async function startLlamaServer(options: LlamaServerOptions): Promise<RunningLlamaServer> {
  const binary = options.binary ?? LLAMA_SERVER_PATH;
  if (!existsSync(binary)) throw new Error(`llama-server not found at ${binary}; build it with ensureLlamaServer() (scripts/llamaServer.ts).`);
  const port = await freePort();
  const args = [
    '--model', options.modelPath,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--threads', String(options.threads),
    '--threads-batch', String(options.threads),
    '--parallel', String(options.parallel),
    '--ctx-size', String(options.ctxSize * options.parallel),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child, exited);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (true) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`llama-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-2000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`llama-server was not ready within ${options.readyTimeoutMs ?? 120_000} ms:\n${output.slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { url, pid: child.pid!, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
