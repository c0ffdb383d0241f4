import { Engine, type EngineOptions } from '../../engine/Engine.js';
import { ApiError } from '../../errors.js';
import { Scheduler } from '../../scheduler/Scheduler.js';
import type { ModelInfo, ModelState, Unsubscribe } from '../../wire/bridge.js';
import type { GenerationRequest, Prompt } from '../../wire/generation.js';
import type { Admission, Backend, BackendStats, Embeddings, RequestSource, TokenPiece } from '../Backend.js';
import { InFlightCounter } from '../InFlightCounter.js';
import { assertInputFits } from '../inputBounds.js';

export interface LocalBackendOptions extends Omit<EngineOptions, 'modelPath' | 'onLoadProgress'> {
  maxConcurrentRequests: number;
}

interface Loaded {
  engine: Engine;
  scheduler: Scheduler;
}

/** The model on this machine (node-llama-cpp engine + scheduler), and the switch to another GGUF file. */
export class LocalBackend implements Backend {
  private current: Loaded | null = null;
  private modelState: ModelState;
  private readonly listeners = new Set<(state: ModelState) => void>();
  private loading: Promise<void> = Promise.resolve();
  /** One count across model switches: requests admitted on the old model still count until they close. */
  private readonly inFlight: InFlightCounter;

  constructor(private readonly options: LocalBackendOptions) {
    this.modelState = { state: 'error', path: '', error: 'No model loaded yet.' };
    this.inFlight = new InFlightCounter(options.maxConcurrentRequests);
  }

  get state(): ModelState {
    return this.modelState;
  }

  /** The engine of the loaded model, for benchmarks and tests that drive it directly; null while none. */
  get engine(): Engine | null {
    return this.current?.engine ?? null;
  }

  get stats(): BackendStats {
    return this.current?.scheduler.stats ?? { inFlight: this.inFlight.total, queued: 0, running: 0 };
  }

  info(): ModelInfo {
    return this.require().engine.info;
  }

  async health(): Promise<void> {
    this.require();
  }

  async admit(request: GenerationRequest, signal: AbortSignal, source: RequestSource): Promise<Admission> {
    const { engine, scheduler } = this.require();
    assertInputFits(request.prompt, engine.info);
    return scheduler.admit(request, signal, source);
  }

  async countPromptTokens(prompt: Prompt): Promise<number> {
    const { engine } = this.require();
    assertInputFits(prompt, engine.info);
    return engine.tokenize(prompt).length;
  }

  async tokenize(text: string, _signal: AbortSignal, source: RequestSource): Promise<TokenPiece[]> {
    const { engine } = this.require();
    // Tokenizing runs on the main thread: bounded by the same character limit as prompts, so one request
    // cannot stall every open stream (a 2 MB body took 5 s), and counted like a generation.
    assertInputFits({ text }, engine.info);
    const leave = this.inFlight.enter(source);
    try {
      return engine.tokenizeWithOffsets(text);
    } finally {
      leave();
    }
  }

  async embed(texts: string[], signal: AbortSignal, source: RequestSource): Promise<Embeddings> {
    const { engine } = this.require();
    for (const text of texts) assertInputFits({ text }, engine.info);
    const leave = this.inFlight.enter(source);
    try {
      return await engine.embed(texts, signal);
    } finally {
      leave();
    }
  }

  onState(listener: (state: ModelState) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads `modelPath`, replacing the current model once loaded. Rejects (and keeps the old model) if loading fails. */
  load(modelPath: string): Promise<void> {
    const next = this.loading.then(() => this.loadNow(modelPath));
    this.loading = next.catch(() => undefined);
    return next;
  }

  /** The loaded model, or a 424 error telling the client to wait (never 503: a popular client retries 503 forever). */
  private require(): Loaded {
    if (this.current) return this.current;
    const state = this.modelState;
    throw new ApiError(
      'model_not_ready',
      state.state === 'loading'
        ? `The model is still loading (${Math.round(state.progress * 100)}%). Try again in a few seconds.`
        : `No model is loaded${state.state === 'error' && state.error ? `: ${state.error}` : ''}. Open a GGUF model file first.`,
    );
  }

  private async loadNow(modelPath: string): Promise<void> {
    const previous = this.current;
    this.setState({ state: 'loading', progress: 0, path: modelPath });
    let engine: Engine;
    try {
      engine = await Engine.load({
        ...this.options,
        modelPath,
        onLoadProgress: (progress) => this.setState({ state: 'loading', progress, path: modelPath }),
      });
    } catch (error) {
      const message = `Could not load ${modelPath}: ${error instanceof Error ? error.message : String(error)}`;
      this.setState(previous ? { state: 'ready', info: previous.engine.info } : { state: 'error', path: modelPath, error: message });
      throw new ApiError('generation', message, 422);
    }
    this.current = { engine, scheduler: new Scheduler(engine, this.inFlight) };
    this.setState({ state: 'ready', info: engine.info });
    if (previous) await previous.engine.dispose();
  }

  private setState(state: ModelState): void {
    this.modelState = state;
    for (const listener of this.listeners) listener(state);
  }

  async dispose(): Promise<void> {
    await this.loading;
    const current = this.current;
    this.current = null;
    if (current) await current.engine.dispose();
  }
}

