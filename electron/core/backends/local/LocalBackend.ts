import { Engine, type EngineOptions } from './engine/Engine.js';
import { ApiError } from './errors.js';
import { Scheduler } from './scheduler/Scheduler.js';
import type { ModelState, Unsubscribe } from './wire/bridge.js';

export interface ModelHostOptions extends Omit<EngineOptions, 'modelPath' | 'onLoadProgress'> {
  maxConcurrentRequests: number;
}

export interface LoadedModel {
  engine: Engine;
  scheduler: Scheduler;
}

/** The model currently loaded (or loading), its scheduler, and the switch to another GGUF file. */
export class ModelHost {
  private current: LoadedModel | null = null;
  private modelState: ModelState;
  private readonly listeners = new Set<(state: ModelState) => void>();
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly options: ModelHostOptions) {
    this.modelState = { state: 'error', path: '', error: 'No model loaded yet.' };
  }

  get state(): ModelState {
    return this.modelState;
  }

  get loaded(): LoadedModel | null {
    return this.current;
  }

  /** The loaded model, or a 424 error telling the client to wait (never 503: a popular client retries 503 forever). */
  require(): LoadedModel {
    if (this.current) return this.current;
    const state = this.modelState;
    throw new ApiError(
      'model_not_ready',
      state.state === 'loading'
        ? `The model is still loading (${Math.round(state.progress * 100)}%). Try again in a few seconds.`
        : `No model is loaded${state.state === 'error' && state.error ? `: ${state.error}` : ''}. Open a GGUF model file first.`,
    );
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
    this.current = { engine, scheduler: new Scheduler(engine, { maxConcurrentRequests: this.options.maxConcurrentRequests }) };
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
