// A protocol's part of the one streaming pipeline (serveGeneration.ts): it turns the backend's generation
// events into that protocol's frames or response body. Adding a protocol adds encoders, never another loop.
import type { ApiError } from '../errors.js';
import type { EndEvent, TokenEvent } from '../wire/generation.js';

/** One frame of a stream: `data` is JSON-encoded unless it is a string (e.g. OpenAI's `[DONE]`). */
export interface Frame {
  /** SSE event name (Anthropic names its events); none for TGI and OpenAI. */
  event?: string;
  data: unknown;
}

/** What the admitted request is known by: its id (the live request list's) and its prompt length. */
export interface Admitted {
  id: string;
  inputLength: number | null;
}

export interface StreamEncoder {
  readonly kind: 'stream';
  /** Server-Sent Events, or one JSON object per line (Ollama). */
  readonly format: 'sse' | 'ndjson';
  /** Frames before the first token. */
  start(admitted: Admitted): Frame[];
  token(event: TokenEvent): Frame[];
  /** The generation ended normally. */
  end(event: EndEvent): Frame[];
  /** The generation failed or was stopped after the stream began: the client's last frames. */
  failure(error: ApiError): Frame[];
}

export interface EncodedResponse {
  body: unknown;
  headers?: Record<string, string | number>;
}

export interface ResponseEncoder {
  readonly kind: 'response';
  token(event: TokenEvent): void;
  /** The generation ended normally; `admittedAt` and `receivedAt` are performance.now() times. */
  end(event: EndEvent, timing: { receivedAt: number; admittedAt: number }): EncodedResponse;
}

export type Encoder = StreamEncoder | ResponseEncoder;
