import type { ModelInfo, ModelState, Unsubscribe } from '../wire/bridge.js';
import type { GenerationRequest, Prompt } from '../wire/generation.js';
import type { Admission, Backend, BackendStats, Embeddings, RequestSource, TokenPiece } from './Backend.js';

/**
 * The backend Brook serves from now: the front doors hold this one object while the user switches between the
 * local model and a remote server. Requests admitted before a switch finish on the backend that admitted them.
 */
export class ActiveBackend implements Backend {
  private readonly listeners = new Set<(state: ModelState) => void>();
  private stopForwarding: Unsubscribe;

  constructor(private backend: Backend) {
    this.stopForwarding = this.forward(backend);
  }

  /** The backend now in use. */
  get current(): Backend {
    return this.backend;
  }

  /** Serves from `next` from now on; returns the previous backend (the caller disposes it). */
  use(next: Backend): Backend {
    const previous = this.backend;
    if (next === previous) return previous;
    this.stopForwarding();
    this.backend = next;
    this.stopForwarding = this.forward(next);
    this.emit(next.state);
    return previous;
  }

  get state(): ModelState {
    return this.backend.state;
  }

  get stats(): BackendStats {
    return this.backend.stats;
  }

  onState(listener: (state: ModelState) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  info(): ModelInfo {
    return this.backend.info();
  }

  countPromptTokens(prompt: Prompt): Promise<number> {
    return this.backend.countPromptTokens(prompt);
  }

  tokenize(text: string, signal: AbortSignal, source: RequestSource): Promise<TokenPiece[]> {
    return this.backend.tokenize(text, signal, source);
  }

  admit(request: GenerationRequest, signal: AbortSignal, source: RequestSource): Promise<Admission> {
    return this.backend.admit(request, signal, source);
  }

  embed(texts: string[], signal: AbortSignal, source: RequestSource): Promise<Embeddings> {
    return this.backend.embed(texts, signal, source);
  }

  health(): Promise<void> {
    return this.backend.health();
  }

  async dispose(): Promise<void> {
    this.stopForwarding();
    await this.backend.dispose();
  }

  private forward(backend: Backend): Unsubscribe {
    return backend.onState((state) => this.emit(state));
  }

  private emit(state: ModelState): void {
    for (const listener of [...this.listeners]) listener(state);
  }
}
