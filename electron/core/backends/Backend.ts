// The seam between the front doors (HTTP routes, the window's chats) and generation. Routes and ChatService
// know only this interface; LocalBackend (engine + scheduler), RemoteBackend (a TGI or OpenAI upstream) and
// ScriptedBackend (chosen tokens at a chosen pace, for tests) implement it.
import type { ModelInfo, ModelState, Unsubscribe } from '../wire/bridge.js';
import type { GenerationEvent, GenerationRequest, Prompt } from '../wire/generation.js';

/** Who asked: the window's own chat is never refused because of outside load, and goes first in a queue. */
export type RequestSource = 'window' | 'api';

/** An admitted request. Nothing reached the client before admission, so refusals keep their real status. */
export interface Admission {
  /** Prompt tokens after truncation; null where the backend learns it only at the end (a remote upstream). */
  inputLength: number | null;
  /** Token events, then one `end`. */
  events: AsyncGenerator<GenerationEvent>;
  /** Ends the request whether or not its events were read; call it in a `finally`. Safe to call twice. */
  close(): Promise<void>;
}

/** One token of POST /tokenize, with its character offsets in the text. */
export interface TokenPiece {
  id: number;
  text: string;
  start: number;
  stop: number;
}

/** Embeddings of several texts: one vector per text, in order, from the loaded model. */
export interface Embeddings {
  vectors: number[][];
  /** Tokens of all the texts together, for usage counts. */
  promptTokens: number;
}

export interface BackendStats {
  /** Requests admitted and not yet closed (running or queued), all sources. */
  inFlight: number;
  queued: number;
  running: number;
}

export interface Backend {
  /** Loading, ready or failed, as the window shows it. */
  readonly state: ModelState;
  onState(listener: (state: ModelState) => void): Unsubscribe;
  /** The model served; throws 424 `model_not_ready` while there is none. */
  info(): ModelInfo;
  /**
   * Tokens `prompt` takes, the chat template applied, without generating: the window's context meter. Bounded
   * like a prompt (422 past the context's character limit); a remote OpenAI upstream gives an estimate.
   */
  countPromptTokens(prompt: Prompt): Promise<number>;
  /** Tokens of `text`, admitted like a generation (it counts against the concurrency limit). */
  tokenize(text: string, signal: AbortSignal, source: RequestSource): Promise<TokenPiece[]>;
  /**
   * Admits a request or rejects: 429 `overloaded` past the limit, 422 `validation` for what the model cannot
   * take, 424 while no model is ready. An aborted `signal` ends the generation within one token.
   */
  admit(request: GenerationRequest, signal: AbortSignal, source: RequestSource): Promise<Admission>;
  /**
   * Embeds `texts` (at least one), admitted like a generation: it counts against the concurrency limit (429
   * `overloaded` past it) and each text must fit the context (422). A backend that cannot embed rejects with
   * 422 `validation` saying so. Vectors are the model's pooled embeddings, normalized to length 1.
   */
  embed(texts: string[], signal: AbortSignal, source: RequestSource): Promise<Embeddings>;
  /** Resolves when a request could be served now; rejects with the reason otherwise. */
  health(): Promise<void>;
  readonly stats: BackendStats;
  dispose(): Promise<void>;
}

/** Longest prompt a request may send to `info`'s model: one generated token must fit after it. */
export function maxInputTokens(info: ModelInfo): number {
  return info.contextSize - 1;
}
