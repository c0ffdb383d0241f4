import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { bundledModelPath } from './bundledModel.js';
import { defaultThreads } from './engine/defaultThreads.js';
import { REMOTE_PROTOCOLS, type RemoteProtocol } from './wire/remote.js';
import { DEFAULT_PORT } from './server/createServer.js';
import { OLLAMA_DEFAULT_PORT } from './server/protocols/ollama/ollamaPort.js';

export interface BrookConfig {
  modelPath: string;
  hostname: string;
  port: number;
  apiKey: string | null;
  corsAllowOrigins: string[];
  maxConcurrentRequests: number;
  parallel: number;
  threads: number;
  contextSize: number | undefined;
  gpu: 'auto' | false;
  dataDir: string;
  /** Generate on another server instead of a local model (--remote). */
  remote: RemoteConfig | null;
  /** A JSON script for the scripted test backend (--scripted), instead of a model. */
  scriptedPath: string | null;
  /** Also listen on this port (--ollama-port; Ollama's own is 11434), for tools left at Ollama's defaults. */
  ollamaPort: number | null;
}

export interface RemoteConfig {
  /** http(s) base URL of the upstream server. */
  url: string;
  /** Which protocol the upstream speaks; auto asks it. */
  protocol: RemoteProtocol;
  /** Sent upstream as "Authorization: Bearer <key>". */
  apiKey: string | null;
}

export const USAGE = `Usage: npm run serve -- [options]

  --model PATH                   GGUF model file (default: the bundled SmolLM2-135M-Instruct)
  --port N                       port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --hostname ADDR                address to listen on (default 127.0.0.1; anything else needs --api-key).
                                 Clients may then address the server by that address, or for 0.0.0.0
                                 or :: by any of this machine's interface addresses.
  --api-key KEY                  require "Authorization: Bearer KEY" (or set BROOK_API_KEY)
  --cors-allow-origin ORIGIN     allow browser requests from ORIGIN (repeat for more)
  --max-concurrent-requests N    requests in flight from other tools before 429 (default 128)
  --parallel N                   requests generated at once, one sequence each (default 4)
  --threads N                    CPU threads (default: one fewer than this machine's cores, at most 8: ${defaultThreads()})
  --context-size N               tokens per request, prompt + reply (default: the model's, at most 4096)
  --gpu auto|off                 use a GPU when there is one (default auto)
  --data-dir PATH                where conversations are saved (default ./.brook-data)
  --remote URL                   generate on another server (TGI, OpenAI-compatible or Brook) instead of a local model
  --remote-protocol auto|tgi|openai  what the --remote server speaks (default auto: ask it)
  --remote-api-key KEY           key sent to the --remote server (or set BROOK_REMOTE_API_KEY)
  --scripted PATH                a JSON script of tokens to emit instead of a model (for tests)
  --ollama-port N                also listen on port N (Ollama's is ${OLLAMA_DEFAULT_PORT}), for tools left at Ollama's defaults; off by default
  --help                         this text`;

export class ConfigError extends Error {}

/** Brook's flags, for parseArgs here and for picking Brook's flags out of Electron's command line. */
export const CONFIG_OPTIONS = {
  model: { type: 'string' },
  port: { type: 'string' },
  hostname: { type: 'string' },
  'api-key': { type: 'string' },
  'cors-allow-origin': { type: 'string', multiple: true },
  'max-concurrent-requests': { type: 'string' },
  parallel: { type: 'string' },
  threads: { type: 'string' },
  'context-size': { type: 'string' },
  gpu: { type: 'string' },
  'data-dir': { type: 'string' },
  remote: { type: 'string' },
  'remote-protocol': { type: 'string' },
  'remote-api-key': { type: 'string' },
  scripted: { type: 'string' },
  'ollama-port': { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Parses command-line flags; throws ConfigError with a message meant for the user. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): BrookConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: CONFIG_OPTIONS }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';
  const gpu = values.gpu ?? 'auto';
  if (gpu !== 'auto' && gpu !== 'off') throw new ConfigError(`--gpu must be "auto" or "off", not "${gpu}".`);
  const remote = remoteConfig(values, env);
  const scriptedPath = values.scripted ?? null;
  if (scriptedPath !== null && !existsSync(scriptedPath)) {
    throw new ConfigError(`--scripted: the script file "${scriptedPath}" does not exist. Give the path of a JSON script file.`);
  }
  const sources = [values.model !== undefined && '--model', remote && '--remote', scriptedPath !== null && '--scripted'].filter(Boolean);
  if (sources.length > 1) throw new ConfigError(`${sources.join(' and ')} each choose what generates; give only one of them.`);
  return {
    modelPath: values.model ?? bundledModelPath(),
    hostname: values.hostname ?? '127.0.0.1',
    port: integer('--port', values.port, DEFAULT_PORT, 0, 65_535),
    apiKey: key('--api-key', values['api-key'], 'BROOK_API_KEY', env),
    corsAllowOrigins: (values['cors-allow-origin'] ?? []).flatMap((origin) => origin.split(',')).map((origin) => origin.trim()).filter(Boolean),
    maxConcurrentRequests: integer('--max-concurrent-requests', values['max-concurrent-requests'], 128, 1, 100_000),
    parallel: integer('--parallel', values.parallel, 4, 1, 64),
    threads: integer('--threads', values.threads, defaultThreads(), 1, 1024),
    contextSize: values['context-size'] === undefined ? undefined : integer('--context-size', values['context-size'], 0, 64, 1_048_576),
    gpu: gpu === 'off' ? false : 'auto',
    dataDir: values['data-dir'] ?? '.brook-data',
    remote,
    scriptedPath,
    ollamaPort: values['ollama-port'] === undefined ? null : integer('--ollama-port', values['ollama-port'], OLLAMA_DEFAULT_PORT, 1, 65_535),
  };
}

type ParsedValues = ReturnType<typeof parseArgs<{ options: typeof CONFIG_OPTIONS }>>['values'];

function remoteConfig(values: ParsedValues, env: NodeJS.ProcessEnv): RemoteConfig | null {
  const raw = values.remote;
  if (raw === undefined) {
    if (values['remote-protocol'] !== undefined || values['remote-api-key'] !== undefined) {
      throw new ConfigError('--remote-protocol and --remote-api-key only apply with --remote URL.');
    }
    return null;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--remote must be a URL such as http://127.0.0.1:8081, not "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`--remote must be an http:// or https:// URL, not "${raw}".`);
  }
  const protocol = values['remote-protocol'] ?? 'auto';
  if (!(REMOTE_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigError(`--remote-protocol must be one of ${REMOTE_PROTOCOLS.join(', ')}, not "${protocol}".`);
  }
  return {
    url: url.href.replace(/\/$/, ''),
    protocol: protocol as RemoteProtocol,
    apiKey: key('--remote-api-key', values['remote-api-key'], 'BROOK_REMOTE_API_KEY', env),
  };
}

/** A key from its flag or environment variable; an empty key would lock everyone out, so it is refused. */
function key(flag: string, raw: string | undefined, envName: string, env: NodeJS.ProcessEnv): string | null {
  const value = raw ?? env[envName];
  if (value === undefined) return null;
  if (value.trim() === '') {
    const source = raw !== undefined ? flag : envName;
    throw new ConfigError(`${source} is empty. Give a non-empty key, or leave ${flag} out (and unset ${envName}) to need none.`);
  }
  return value;
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${flag} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}
