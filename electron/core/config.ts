import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { bundledModelPath } from './bundledModel.js';
import { DEFAULT_PORT } from './server/createServer.js';

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
}

export const USAGE = `Usage: npm run serve -- [options]

  --model PATH                   GGUF model file (default: the bundled SmolLM2-135M-Instruct)
  --port N                       port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --hostname ADDR                address to listen on (default 127.0.0.1; anything else needs --api-key)
  --api-key KEY                  require "Authorization: Bearer KEY" (or set BROOK_API_KEY)
  --cors-allow-origin ORIGIN     allow browser requests from ORIGIN (repeat for more)
  --max-concurrent-requests N    requests in flight from other tools before 429 (default 128)
  --parallel N                   requests generated at once, one sequence each (default 4)
  --threads N                    CPU threads (default: this machine's cores, ${availableParallelism()})
  --context-size N               tokens per request, prompt + reply (default: the model's, at most 4096)
  --gpu auto|off                 use a GPU when there is one (default auto)
  --data-dir PATH                where conversations are saved (default ./.brook-data)
  --help                         this text`;

export class ConfigError extends Error {}

/** Parses command-line flags; throws ConfigError with a message meant for the user. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): BrookConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
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
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';
  const gpu = values.gpu ?? 'auto';
  if (gpu !== 'auto' && gpu !== 'off') throw new ConfigError(`--gpu must be "auto" or "off", not "${gpu}".`);
  return {
    modelPath: values.model ?? bundledModelPath(),
    hostname: values.hostname ?? '127.0.0.1',
    port: integer('--port', values.port, DEFAULT_PORT, 0, 65_535),
    apiKey: values['api-key'] ?? env.BROOK_API_KEY ?? null,
    corsAllowOrigins: (values['cors-allow-origin'] ?? []).flatMap((origin) => origin.split(',')).map((origin) => origin.trim()).filter(Boolean),
    maxConcurrentRequests: integer('--max-concurrent-requests', values['max-concurrent-requests'], 128, 1, 100_000),
    parallel: integer('--parallel', values.parallel, 4, 1, 64),
    threads: integer('--threads', values.threads, availableParallelism(), 1, 1024),
    contextSize: values['context-size'] === undefined ? undefined : integer('--context-size', values['context-size'], 0, 64, 1_048_576),
    gpu: gpu === 'off' ? false : 'auto',
    dataDir: values['data-dir'] ?? '.brook-data',
  };
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${flag} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}
