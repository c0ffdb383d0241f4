// The desktop app's configuration: the CLI's flags (passed through by `npm start -- --port 0` or the
// packaged executable), with the desktop's defaults for where chats and the bundled model live.
import { join } from 'node:path';
import { BUNDLED_MODEL } from '../core/bundledModel.js';
import { CONFIG_OPTIONS, parseConfig, type BrookConfig } from '../core/config.js';

/** Brook's flags, from the CLI's own table: those that take a value and those that do not. */
const FLAGS = Object.entries(CONFIG_OPTIONS) as [string, { type: string }][];
const VALUE_FLAGS = new Set(FLAGS.filter(([, option]) => option.type === 'string').map(([name]) => name));
const BOOLEAN_FLAGS = new Set(FLAGS.filter(([, option]) => option.type === 'boolean').map(([name]) => name));

/**
 * Brook's own flags out of an Electron command line. Electron's argv also carries the executable, the app
 * path (`.`) and Chromium/Node switches (`--inspect=0`, `--remote-debugging-port=0`, `--no-sandbox`…),
 * which Brook's strict parser would refuse; those are left out.
 */
export function brookArgs(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (BOOLEAN_FLAGS.has(name) && eq === -1) {
      args.push(arg);
    } else if (VALUE_FLAGS.has(name)) {
      if (eq !== -1) {
        args.push(arg);
      } else if (i + 1 < argv.length) {
        args.push(arg, argv[i + 1]!);
        i++;
      }
    }
  }
  return args;
}

export interface DesktopPaths {
  /** app.getPath('userData'): chats go to its chats/ folder unless --data-dir says otherwise. */
  userData: string;
  /** process.resourcesPath/models when packaged, else resources/models of the source tree. */
  modelsDir: string;
}

export interface DesktopConfig {
  config: BrookConfig;
  /** --port was given: a busy port is then an error, not a reason to pick a free one. */
  portExplicit: boolean;
  /** --api-key or BROOK_API_KEY was given: it wins over the key saved from the Endpoint panel. */
  apiKeyExplicit: boolean;
  /** --ollama-port was given: it wins over the Ollama switch saved from the Endpoint panel. */
  ollamaPortExplicit: boolean;
}

/** Throws the core's ConfigError (a message for the user) for bad flags. */
export function desktopConfig(argv: readonly string[], paths: DesktopPaths, env: NodeJS.ProcessEnv = process.env): DesktopConfig | 'help' {
  const args = brookArgs(argv);
  const parsed = parseConfig(args, env);
  if (parsed === 'help') return 'help';
  const given = (flag: string) => args.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
  return {
    config: {
      ...parsed,
      modelPath: given('model') ? parsed.modelPath : join(paths.modelsDir, BUNDLED_MODEL.file),
      dataDir: given('data-dir') ? parsed.dataDir : join(paths.userData, 'chats'),
    },
    portExplicit: given('port'),
    apiKeyExplicit: given('api-key') || env.BROOK_API_KEY !== undefined,
    ollamaPortExplicit: given('ollama-port'),
  };
}
