import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatWrapper } from 'node-llama-cpp';
import { StopHoldback } from '../../engine/StopHoldback.js';
import { ToolCallStream } from '../../engine/ToolCallStream.js';
import { toolCallSyntax } from '../../engine/ToolCallSyntax.js';
import type { ModelInfo, ModelState, Unsubscribe } from '../../wire/bridge.js';
import type { GeneratedToken, GenerationEvent, GenerationRequest, Prompt } from '../../wire/generation.js';
import type { Admission, Backend, BackendStats, Embeddings, RequestSource, TokenPiece } from '../Backend.js';
import { InFlightCounter } from '../InFlightCounter.js';
import { assertInputFits } from '../inputBounds.js';
import { ScriptFile, type Script } from './ScriptFile.js';

/** Context size the scripted model claims. */
const CONTEXT_SIZE = 4096;
const END_OF_TURN = '<|im_end|>';
/** A token: a run of newlines, or optional spaces and a word, or trailing spaces. */
const TOKEN_PATTERN = /\n+|[^\S\n]*\S+|[^\S\n]+/g;

/**
 * A backend that answers from a script: chosen replies, cut into word tokens, at a chosen pace. Tests of what
 * the window and the routes do with particular text (markdown blocks, long replies, Stop mid-reply) run on it,
 * since the real model's greedy text differs from one CPU to the next.
 */
export class ScriptedBackend implements Backend {
  private readonly inFlight: InFlightCounter;
  private readonly vocabulary = new Map<string, number>();
  private running = 0;
  readonly state: ModelState;

  constructor(
    private readonly script: Script,
    maxConcurrentRequests: number,
    path = 'scripted',
  ) {
    this.inFlight = new InFlightCounter(maxConcurrentRequests);
    this.state = { state: 'ready', info: this.describe(path) };
  }

  static async fromFile(path: string, maxConcurrentRequests: number): Promise<ScriptedBackend> {
    return new ScriptedBackend(ScriptFile.parse(await readFile(path, 'utf8'), path), maxConcurrentRequests, path);
  }

  get stats(): BackendStats {
    return { inFlight: this.inFlight.total, queued: 0, running: this.running };
  }

  info(): ModelInfo {
    return (this.state as { info: ModelInfo }).info;
  }

  onState(_listener: (state: ModelState) => void): Unsubscribe {
    // Always ready: nothing to report.
    return () => undefined;
  }

  async health(): Promise<void> {}

  async countPromptTokens(prompt: Prompt): Promise<number> {
    assertInputFits(prompt, this.info());
    return countTokens(promptText(prompt));
  }

  async tokenize(text: string, _signal: AbortSignal, source: RequestSource): Promise<TokenPiece[]> {
    assertInputFits({ text }, this.info());
    const leave = this.inFlight.enter(source);
    try {
      return [...text.matchAll(TOKEN_PATTERN)].map((match) => ({ id: this.idOf(match[0]), text: match[0], start: match.index, stop: match.index + match[0].length }));
    } finally {
      leave();
    }
  }

  async admit(request: GenerationRequest, signal: AbortSignal, source: RequestSource): Promise<Admission> {
    assertInputFits(request.prompt, this.info());
    const leave = this.inFlight.enter(source);
    const inputLength = countTokens(promptText(request.prompt));
    const events = this.generate(request, inputLength, signal, leave);
    return {
      inputLength,
      events,
      close: async () => {
        await events.return(undefined);
        leave();
      },
    };
  }

  /** Deterministic vectors: the same text always gets the same unit vector, different texts (almost surely) differ. */
  async embed(texts: string[], _signal: AbortSignal, source: RequestSource): Promise<Embeddings> {
    for (const text of texts) assertInputFits({ text }, this.info());
    const leave = this.inFlight.enter(source);
    try {
      return { vectors: texts.map(scriptedVector), promptTokens: texts.reduce((sum, text) => sum + countTokens(text), 0) };
    } finally {
      leave();
    }
  }

  async dispose(): Promise<void> {}

  private async *generate(request: GenerationRequest, inputLength: number, signal: AbortSignal, leave: () => void): AsyncGenerator<GenerationEvent> {
    this.running++;
    const started = performance.now();
    try {
      const reply = this.script.replyTo(lastUserText(request.prompt));
      const pieces = reply.text.match(TOKEN_PATTERN) ?? [];
      const maxNewTokens = request.parameters.max_new_tokens ?? 1024;
      const stops = new StopHoldback(request.parameters.stop ?? []);
      const topN = request.parameters.top_n_tokens ?? 0;
      const delayMs = 1000 / reply.tokensPerSecond;
      // Constraints are not enforced (the script's text is the reply), but a tools request reads the text as
      // calls in ChatWrapper's default syntax (`||call: name({...})`), so scripts can test how calls are framed.
      const constraint = request.constraint;
      const calls = constraint?.type === 'tools' ? new ToolCallStream(toolCallSyntax(ChatWrapper.defaultSettings), constraint.choice === 'auto') : null;
      let text = '';
      let generated = 0;
      let firstTokenMs = 0;
      let finishReason: 'length' | 'eos_token' | 'stop_sequence' = 'length';
      let cancelled = false;
      // The reply's words, then the end-of-turn token, as a chat model ends its turn.
      const tokens = [...pieces, END_OF_TURN];
      for (const piece of tokens) {
        try {
          await sleep(delayMs, undefined, { signal });
        } catch {
          cancelled = true;
          break;
        }
        generated++;
        if (generated === 1) firstTokenMs = performance.now() - started;
        const special = piece === END_OF_TURN;
        if (!special) {
          text += piece;
          stops.push(piece);
        }
        if (special) finishReason = 'eos_token';
        else if (stops.stopped) finishReason = 'stop_sequence';
        const last = special || stops.stopped || generated >= maxNewTokens;
        yield {
          type: 'token',
          index: generated,
          token: this.token(piece, special),
          ...(topN > 0 ? { topTokens: this.alternatives(piece, special, topN) } : {}),
          ...(calls ? { toolCallDeltas: [...calls.push(special ? '' : piece), ...(last ? calls.finish() : [])] } : {}),
          last,
        };
        if (last) break;
      }
      yield {
        type: 'end',
        generatedText: text,
        finishReason,
        generatedTokens: generated,
        seed: null,
        inputLength,
        stopSequence: stops.stopSequence,
        cancelled,
        timings: { queueMs: 0, firstTokenMs, generationMs: performance.now() - started, reusedPromptTokens: 0 },
        ...(calls ? { toolCalls: [...calls.calls] } : {}),
      };
    } finally {
      this.running--;
      leave();
    }
  }

  private token(text: string, special: boolean): GeneratedToken {
    return { id: this.idOf(text), text, logprob: special ? -0.01 : -0.25, special };
  }

  /** The chosen token first, then made-up runners-up with lower log-probabilities. */
  private alternatives(text: string, special: boolean, count: number): GeneratedToken[] {
    return Array.from({ length: count }, (_, rank) =>
      rank === 0 ? this.token(text, special) : { id: this.idOf(`${text.trim()}~${rank}`), text: `${text.trim()}~${rank}`, logprob: -1 - rank, special: false },
    );
  }

  private idOf(text: string): number {
    let id = this.vocabulary.get(text);
    if (id === undefined) {
      id = this.vocabulary.size + 1;
      this.vocabulary.set(text, id);
    }
    return id;
  }

  private describe(path: string): ModelInfo {
    return { backend: 'scripted', id: 'scripted', path, sizeBytes: null, trainContextSize: CONTEXT_SIZE, contextSize: CONTEXT_SIZE, sequences: 1, threads: null, gpu: false };
  }
}

function promptText(prompt: Prompt): string {
  return 'text' in prompt ? prompt.text : prompt.messages.map((message) => message.content).join('\n');
}

function lastUserText(prompt: Prompt): string {
  if ('text' in prompt) return prompt.text;
  return prompt.messages.findLast((message) => message.role === 'user')?.content ?? '';
}

function countTokens(text: string): number {
  return Math.max(1, text.match(TOKEN_PATTERN)?.length ?? 0);
}


/** Dimensions of the scripted model's embeddings. */
const EMBEDDING_DIMENSIONS = 8;

/** A unit vector derived from the text's characters (FNV-1a hashes), the same on every machine. */
function scriptedVector(text: string): number[] {
  const vector = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, dimension) => {
    let hash = 0x811c9dc5 ^ dimension;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return hash / 0xffffffff - 0.5;
  });
  const length = Math.hypot(...vector) || 1;
  return vector.map((value) => value / length);
}
