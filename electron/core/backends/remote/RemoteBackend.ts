import { ApiError } from '../../errors.js';
import type { ModelInfo, ModelState, Unsubscribe } from '../../wire/bridge.js';
import type { GenerationEvent, GenerationRequest, Prompt } from '../../wire/generation.js';
import type { Admission, Backend, BackendStats, Embeddings, RequestSource, TokenPiece } from '../Backend.js';
import { InFlightCounter } from '../InFlightCounter.js';
import { detectUpstream, type Upstream } from './detectUpstream.js';
import { openAIUpstreamRequest, readOpenAIStream } from './openAIUpstream.js';
import { readTgiStream, tgiUpstreamRequest } from './tgiUpstream.js';
import { upstreamError, upstreamFetch } from './upstreamFetch.js';

/** Average characters per token of English text, for estimates where the upstream cannot count. */
const CHARACTERS_PER_TOKEN = 4;

export interface RemoteBackendOptions {
  /** Base URL of a TGI, OpenAI-compatible (vLLM, llama.cpp's llama-server) or Brook server. */
  url: string;
  protocol: 'auto' | 'tgi' | 'openai';
  apiKey: string | null;
  maxConcurrentRequests: number;
}

/**
 * Generation on another server: Brook's guards, limits, protocols and window stay in front, the tokens come
 * from upstream as it streams them. Stop aborts the upstream request (it sees the disconnect and frees its
 * slot); upstream errors keep their status and type; an unreachable upstream is a clear 502.
 */
export class RemoteBackend implements Backend {
  private modelState: ModelState;
  private upstream: Upstream | null = null;
  private readonly listeners = new Set<(state: ModelState) => void>();
  private readonly inFlight: InFlightCounter;
  private readonly url: string;

  constructor(private readonly options: RemoteBackendOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.inFlight = new InFlightCounter(options.maxConcurrentRequests);
    this.modelState = { state: 'loading', progress: 0, path: this.url };
  }

  get state(): ModelState {
    return this.modelState;
  }

  get stats(): BackendStats {
    return { inFlight: this.inFlight.total, queued: 0, running: this.inFlight.total };
  }

  onState(listener: (state: ModelState) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the server what it speaks and serves; rejects (and says why in `state`) when it cannot be reached. */
  async connect(): Promise<void> {
    this.setState({ state: 'loading', progress: 0, path: this.url });
    try {
      this.upstream = await detectUpstream(this.url, this.options.protocol, this.options.apiKey);
    } catch (error) {
      this.setState({ state: 'error', path: this.url, error: (error as Error).message });
      throw error;
    }
    this.setState({ state: 'ready', info: this.upstream.info });
  }

  info(): ModelInfo {
    return this.require().info;
  }

  async health(): Promise<void> {
    const upstream = this.require();
    const response = await upstreamFetch(this.url, upstream.protocol === 'tgi' ? '/health' : '/v1/models', { apiKey: this.options.apiKey, timeoutMs: 5_000 });
    if (!response.ok) throw await upstreamError(response, this.url);
  }

  /**
   * A TGI upstream counts a raw prompt with its tokenizer; a chat prompt (its template is the upstream's) and
   * an OpenAI upstream get an estimate of four characters a token, enough for a context meter.
   */
  async countPromptTokens(prompt: Prompt): Promise<number> {
    const upstream = this.require();
    if (upstream.protocol === 'tgi' && 'text' in prompt) return (await this.tokenize(prompt.text, AbortSignal.timeout(30_000), 'window')).length;
    const characters = 'text' in prompt ? prompt.text.length : prompt.messages.reduce((sum, message) => sum + message.content.length + CHARACTERS_PER_TOKEN, 0);
    return Math.ceil(characters / CHARACTERS_PER_TOKEN);
  }

  async tokenize(text: string, signal: AbortSignal, source: RequestSource): Promise<TokenPiece[]> {
    const upstream = this.require();
    if (upstream.protocol !== 'tgi') {
      throw new ApiError('validation', `The remote server at ${this.url} speaks OpenAI's protocol, which has no tokenizer route; /tokenize works with a TGI or Brook upstream.`);
    }
    const leave = this.inFlight.enter(source);
    try {
      const response = await upstreamFetch(this.url, '/tokenize', { apiKey: this.options.apiKey, body: { inputs: text }, signal });
      if (!response.ok) throw await upstreamError(response, this.url);
      return (await response.json()) as TokenPiece[];
    } finally {
      leave();
    }
  }

  async admit(request: GenerationRequest, signal: AbortSignal, source: RequestSource): Promise<Admission> {
    const upstream = this.require();
    const useTgi = upstream.protocol === 'tgi' && 'text' in request.prompt;
    // Built before admission: tools or a constraint the upstream's route has no field for are refused (422) here.
    const call = useTgi ? tgiUpstreamRequest(request, upstream, this.url) : openAIUpstreamRequest(request, upstream, this.url);
    const leave = this.inFlight.enter(source);
    // Aborting this ends the upstream request: on Stop, on close, and when the client leaves.
    const abort = new AbortController();
    const combined = AbortSignal.any([signal, abort.signal]);
    try {
      const response = await upstreamFetch(this.url, call.path, { apiKey: this.options.apiKey, body: call.body, signal: combined });
      if (response.status === 404 && upstream.protocol === 'tgi' && !useTgi) {
        await response.body?.cancel();
        throw noChatRoute(this.url);
      }
      if (!response.ok || !response.body) throw await upstreamError(response, this.url);
      const started = performance.now();
      const events = (useTgi ? readTgiStream : readOpenAIStream)(response.body, { request, signal: combined, started, url: this.url });
      const finished = guarded(events, combined, leave);
      return {
        inputLength: null,
        events: finished,
        close: async () => {
          abort.abort(new Error('the request was closed'));
          await finished.return(undefined);
          leave();
        },
      };
    } catch (error) {
      leave();
      if (signal.aborted && !(error instanceof ApiError)) throw new ApiError('incomplete_generation', 'The request was cancelled before the remote server answered.');
      throw error;
    }
  }

  /** Forwarded to the upstream's /v1/embeddings (OpenAI-compatible upstreams only). */
  async embed(texts: string[], signal: AbortSignal, source: RequestSource): Promise<Embeddings> {
    const upstream = this.require();
    if (upstream.protocol !== 'openai') {
      throw new ApiError('validation', `The remote server at ${this.url} speaks TGI's protocol, which has no embeddings route; embeddings work with an OpenAI-compatible or Brook upstream.`);
    }
    const leave = this.inFlight.enter(source);
    try {
      const body = { input: texts, model: upstream.info.id, encoding_format: 'float' };
      const response = await upstreamFetch(this.url, '/v1/embeddings', { apiKey: this.options.apiKey, body, signal });
      if (!response.ok) throw await upstreamError(response, this.url);
      const answer = (await response.json()) as { data: { index: number; embedding: number[] }[]; usage?: { prompt_tokens?: number } };
      const vectors = [...answer.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      return { vectors, promptTokens: answer.usage?.prompt_tokens ?? 0 };
    } finally {
      leave();
    }
  }

  async dispose(): Promise<void> {
    this.upstream = null;
  }

  private require(): Upstream {
    if (this.upstream) return this.upstream;
    const state = this.modelState;
    throw new ApiError(
      'model_not_ready',
      state.state === 'error' ? state.error : `Brook is still connecting to the remote server at ${this.url}. Try again in a few seconds.`,
    );
  }

  private setState(state: ModelState): void {
    this.modelState = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}

/** A TGI server older than its chat route: chat prompts, tools and a chat's response_format all need it. */
function noChatRoute(url: string): ApiError {
  return new ApiError(
    'validation',
    `The remote server at ${url} has no /v1/chat/completions route, which chat messages, tools and a chat's response_format need (TGI has it from 1.4.3, with a model that has a chat template). Update the server, or send raw text to /generate with a grammar.`,
  );
}

/** The upstream's events; the count is released when they end, however they end. */
async function* guarded(events: AsyncGenerator<GenerationEvent>, signal: AbortSignal, leave: () => void): AsyncGenerator<GenerationEvent> {
  try {
    yield* events;
  } catch (error) {
    // An aborted read is a stop, not a failure: the reader ends the generation as cancelled.
    if (!signal.aborted) throw error;
  } finally {
    leave();
  }
}
