// The loopback endpoint as the window's Endpoint panel sees and changes it, and the live list of requests
// from other tools. The same schemas validate IPC payloads (Electron) and the app routes (browser mode).
import { Type, type Static } from 'typebox';
import type { ToolCall } from './generation.js';

/** What the Endpoint panel shows. */
export interface EndpointSettings {
  /** Serving now. */
  enabled: boolean;
  /** e.g. http://127.0.0.1:8080; null while off. */
  url: string | null;
  /** The port it listens on; while off, the port it will take when turned on (0: any free port). */
  port: number;
  /** The key other tools must send as `Authorization: Bearer <key>`; null: no key needed. */
  apiKey: string | null;
  /** Why the endpoint is off when it should be on (e.g. its port was taken), else null. */
  error: string | null;
  /**
   * Whether this window may turn the endpoint off, move it or change its key. False in browser mode,
   * where the window itself is served by the endpoint: changing it from there would cut the window off.
   * The Ollama switch stays changeable there (that listener does not serve the window).
   */
  configurable: boolean;
  /** Brook on Ollama's port too, for tools that only try Ollama's default address. */
  ollama: OllamaPortState;
}

/**
 * The second listener on Ollama's port (the panel's switch, or --ollama-port at start): off, on at `url`, or
 * asked for but not listening, with `error` saying why. It serves the API routes with the endpoint's key, and
 * only while the endpoint itself is on.
 */
export interface OllamaPortState {
  /** The switch: asked for, whether or not it could listen. */
  enabled: boolean;
  /** Ollama's 11434 unless --ollama-port said otherwise. */
  port: number;
  /** e.g. http://127.0.0.1:11434 while it listens, else null. */
  url: string | null;
  /** Why it does not listen though asked to (the port is taken…), else null. */
  error: string | null;
}

/** The longest API key accepted (a generated one is 43 characters). */
export const API_KEY_MAX_LENGTH = 200;

/**
 * A change to the endpoint; fields left out stay as they are. `apiKey`: a new key, `null` for none, or
 * `"generate"` for a new random key made by Brook.
 */
export const EndpointChange = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  /** Also listen on Ollama's port (OllamaPortState). */
  ollama: Type.Optional(Type.Boolean()),
  /** 0 picks a free port. */
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
  apiKey: Type.Optional(
    Type.Union([
      Type.String({
        minLength: 8,
        maxLength: API_KEY_MAX_LENGTH,
        pattern: '^[\\x21-\\x7E]+$',
        errorMessage: `An API key is 8 to ${API_KEY_MAX_LENGTH} printable characters without spaces.`,
      }),
      Type.Null(),
    ]),
  ),
});
export type EndpointChange = Static<typeof EndpointChange>;

/** The `apiKey` of an EndpointChange that asks Brook for a new random key. */
export const GENERATE_API_KEY = 'generate';

export const ApiRequestRef = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });
export type ApiRequestRef = Static<typeof ApiRequestRef>;

export type ApiRequestState = 'queued' | 'generating' | 'done' | 'cancelled' | 'error';

/** Who sent a request: the route it came in on and the tool (its User-Agent). */
export interface RequestCaller {
  route: string;
  client: string;
}

/** One request from another tool, as the window's Endpoint panel shows it. */
export interface ApiRequestInfo extends RequestCaller {
  id: string;
  state: ApiRequestState;
  /** Tokens generated so far. */
  tokens: number;
  /** Generation speed once two tokens are out (0 before). */
  tokensPerSecond: number;
  /** Prompt tokens; 0 when the request was refused before tokenizing. */
  promptTokens: number;
  /** Unix time in milliseconds. */
  startedAt: number;
  finishedAt: number | null;
  /** Why it failed (state 'error') or was cancelled, when known. */
  error: string | null;
  /** The functions the reply called (a request with tools), once it ended; empty when it answered in text. */
  toolCalls: ToolCall[];
}
