// The Endpoint panel's choices (on/off, port, API key, the Ollama port's switch), kept in the user data folder so that they survive a
// restart of the desktop app. Only what the user changed in the panel is saved; flags given on the command
// line (--port, --api-key or BROOK_API_KEY, --ollama-port) win over it for that run.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Type, type Static } from 'typebox';
import type { BrookConfig } from '../core/config.js';
import { OLLAMA_DEFAULT_PORT } from '../core/server/protocols/ollama/ollamaPort.js';
import { EndpointChange, type EndpointSettings } from '../core/wire/endpoint.js';
import { compile } from '../core/wire/validator.js';

export const ENDPOINT_PREFS_FILE = 'endpoint.json';

const EndpointPrefsSchema = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
  apiKey: EndpointChange.properties.apiKey,
  ollama: EndpointChange.properties.ollama,
});
export type EndpointPrefs = Static<typeof EndpointPrefsSchema>;

/** What the command line said explicitly (desktopConfig). */
export interface ExplicitFlags {
  portExplicit: boolean;
  apiKeyExplicit: boolean;
  ollamaPortExplicit: boolean;
}

/**
 * The configuration to start with: the saved choices over the defaults, the command line over both. A saved
 * port counts as explicit (the user picked it: a busy one is reported, not swapped for a free one).
 */
export function applyEndpointPrefs(config: BrookConfig, flags: ExplicitFlags, prefs: EndpointPrefs): { config: BrookConfig; serve: boolean; portExplicit: boolean } {
  const usePort = !flags.portExplicit && prefs.port !== undefined;
  const useKey = !flags.apiKeyExplicit && prefs.apiKey !== undefined;
  // The switch saves on or off; on is Ollama's own port.
  const useOllama = !flags.ollamaPortExplicit && prefs.ollama !== undefined;
  return {
    config: {
      ...config,
      ...(usePort ? { port: prefs.port } : {}),
      ...(useKey ? { apiKey: prefs.apiKey } : {}),
      ...(useOllama ? { ollamaPort: prefs.ollama ? OLLAMA_DEFAULT_PORT : null } : {}),
    },
    serve: prefs.enabled ?? true,
    portExplicit: flags.portExplicit || usePort,
  };
}

/** The saved choices, file-backed: read once at start, written after every change made in the panel. */
export class EndpointPrefsFile {
  private constructor(
    readonly path: string,
    private prefs: EndpointPrefs,
  ) {}

  /** A missing file is no choice yet; an unreadable or invalid one is reported through `warn` and ignored. */
  static async open(path: string, warn: (message: string) => void = console.warn): Promise<EndpointPrefsFile> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`Could not read ${path}: ${(error as Error).message}; using the default endpoint settings.`);
      return new EndpointPrefsFile(path, {});
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      warn(`${path} is not valid JSON; using the default endpoint settings.`);
      return new EndpointPrefsFile(path, {});
    }
    if (!compile(EndpointPrefsSchema)(value)) {
      warn(`${path} does not hold endpoint settings; using the defaults.`);
      return new EndpointPrefsFile(path, {});
    }
    return new EndpointPrefsFile(path, value as EndpointPrefs);
  }

  get current(): EndpointPrefs {
    return { ...this.prefs };
  }

  /**
   * Records a change the panel made, with the settings it resulted in (a generated key is saved as the key
   * itself), and writes the file: atomically, readable by this user only (it may hold the key).
   */
  async record(change: EndpointChange, settings: EndpointSettings): Promise<void> {
    const next: EndpointPrefs = { ...this.prefs };
    if (change.enabled !== undefined) next.enabled = change.enabled;
    if (change.port !== undefined) next.port = change.port;
    if (change.apiKey !== undefined) next.apiKey = settings.apiKey;
    if (change.ollama !== undefined) next.ollama = change.ollama;
    this.prefs = next;
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }
}
