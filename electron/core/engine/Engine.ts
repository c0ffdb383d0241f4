import { basename } from 'node:path';
import { statSync } from 'node:fs';
import {
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type ControlledEvaluateInputItem,
  type LlamaGrammar,
  type Token,
} from 'node-llama-cpp';
import { PromptTooLongError, validationError } from '../errors.js';
import type { ModelInfo } from '../wire/bridge.js';
import type { GenerationEvent, GeneratedToken, GenerationRequest, Prompt, TokenEvent, ToolDefinition } from '../wire/generation.js';
import type { FinishReason } from '../wire/tgi.js';
import { defaultThreads } from './defaultThreads.js';
import { IncrementalDetokenizer } from './IncrementalDetokenizer.js';
import { SamplingPlan } from './SamplingPlan.js';
import { StopHoldback } from './StopHoldback.js';
import { Embedder, type EmbeddedTexts } from './Embedder.js';
import { toChatFunctions, toChatHistory } from './chatHistory.js';
import { GrammarDecoder } from './GrammarDecoder.js';
import { outputGrammar } from './outputGrammar.js';
import { ToolCallStream } from './ToolCallStream.js';
import { toolCallSyntax, type ToolCallSyntax } from './ToolCallSyntax.js';
import { BatchGate } from './BatchGate.js';

export interface EngineOptions {
  modelPath: string;
  /** Parallel sequences in the one context (continuous batching). */
  sequences: number;
  /** CPU threads; `defaultThreads()` when not given (node-llama-cpp's own default oversubscribes small machines). */
  threads?: number;
  /** Tokens per sequence (prompt + generated); defaults to the model's training context, at most 4096. */
  contextSize?: number;
  /** 'auto' uses a GPU when one works and falls back to the CPU. */
  gpu?: 'auto' | false;
  onLoadProgress?: (fraction: number) => void;
}

/** A validated, tokenized request, ready to run on a sequence. */
export interface PreparedGeneration {
  tokens: Token[];
  maxNewTokens: number;
  plan: SamplingPlan;
  stop: string[];
  topNTokens: number;
  /** The output constraint's grammar (outputGrammar.ts); decoding goes through GrammarDecoder then. */
  grammar?: LlamaGrammar;
  /** A tools constraint: how calls are written, and whether the model may answer in text instead. */
  toolCalls?: { syntax: ToolCallSyntax; auto: boolean };
}

/** One decoded token: the one chosen, its log-probability and, when asked for, the top candidates' (in order). */
export interface DecodedStep {
  id: Token;
  logprob: number;
  top?: [Token, number][];
}

/** Most new tokens given to a request that does not say how many it wants. */
const DEFAULT_MAX_NEW_TOKENS = 1024;
/** Tokens the repetition and frequency penalties look back on. */
const PENALTY_WINDOW = 256;
/**
 * Prompt tokens evaluated per step when a prompt is long: progress for the window, Stop within a step, and the
 * other streams' tokens between steps. Reading 1,585 tokens in steps of 64 to 2,048 took the same time within
 * the noise (10.0–11.1 s, 1 thread, 2-core CI machine).
 */
const PROMPT_STEP = 128;

/** One model in one context with several sequences; generates token by token. One per process. */
export class Engine {
  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
    readonly sequences: readonly LlamaContextSequence[],
    readonly info: ModelInfo,
  ) {}

  /** Every sequence's decode enters the same batch (BatchGate.ts). */
  private readonly batches = new BatchGate();

  static async load(options: EngineOptions): Promise<Engine> {
    const threads = options.threads ?? defaultThreads();
    const llama = await loadLlama(options.gpu ?? 'auto');
    try {
      const model = await llama.loadModel({
        modelPath: options.modelPath,
        onLoadProgress: options.onLoadProgress,
      });
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 4096);
      const context = await model.createContext({ sequences: options.sequences, contextSize, threads });
      const sequences = Array.from({ length: options.sequences }, () => context.getSequence());
      const info: ModelInfo = {
        backend: 'local',
        id: basename(options.modelPath).replace(/\.gguf$/i, ''),
        path: options.modelPath,
        sizeBytes: statSync(options.modelPath).size,
        trainContextSize: model.trainContextSize,
        contextSize: context.contextSize,
        sequences: options.sequences,
        threads,
        gpu: llama.gpu,
      };
      return new Engine(llama, model, context, resolveChatWrapper(model), sequences, info);
    } catch (error) {
      await llama.dispose();
      throw error;
    }
  }

  private embedder: Embedder | null = null;

  /** Embeddings of `texts`, one at a time in a separate embedding context made on first use (Embedder.ts). */
  embed(texts: readonly string[], signal: AbortSignal): Promise<EmbeddedTexts> {
    this.embedder ??= new Embedder(this.model, this.info.contextSize, this.info.threads ?? undefined);
    return this.embedder.embed(texts, signal);
  }

  /** Longest prompt a request may send: one token must fit after it. */
  get maxInputTokens(): number {
    return this.info.contextSize - 1;
  }

  get maxTotalTokens(): number {
    return this.info.contextSize;
  }

  /** `tools` are described to the model through its chat template (messages prompts only). */
  tokenize(prompt: Prompt, tools?: readonly ToolDefinition[]): Token[] {
    if ('text' in prompt) return this.model.tokenize(prompt.text, true);
    const availableFunctions = tools?.length ? toChatFunctions(tools) : undefined;
    const { contextText } = this.chatWrapper.generateContextState({ chatHistory: toChatHistory(prompt.messages, prompt.continueLast === true), availableFunctions });
    return contextText.tokenize(this.model.tokenizer);
  }

  /** Tokens of `text` with their character offsets, for /tokenize. */
  tokenizeWithOffsets(text: string): { id: number; text: string; start: number; stop: number }[] {
    const tokens = this.model.tokenize(text, true);
    let offset = 0;
    const detokenizer = new IncrementalDetokenizer(this.model, []);
    return tokens.map((id) => {
      const piece = this.model.isSpecialToken(id) ? this.model.detokenize([id], true) : detokenizer.push(id);
      const start = offset;
      offset += piece.length;
      return { id, text: piece, start, stop: offset };
    });
  }

  /** Tokenizes and checks what only the model can check (lengths); throws 422 `validation` in TGI's words. */
  prepare(request: GenerationRequest): PreparedGeneration {
    const p = request.parameters;
    if (request.tools?.length && 'text' in request.prompt) throw validationError('`tools` need chat messages: a raw prompt has no template to describe them in');
    let tokens = this.tokenize(request.prompt, request.tools);
    if (p.truncate != null) {
      if (p.truncate > this.maxInputTokens) {
        throw validationError(`\`truncate\` must be strictly positive and less than ${this.maxInputTokens}. Given: ${p.truncate}`);
      }
      tokens = tokens.slice(-p.truncate);
    }
    if (tokens.length === 0) throw validationError('`inputs` cannot be empty');
    if (tokens.length > this.maxInputTokens) {
      throw new PromptTooLongError(this.maxTotalTokens, tokens.length);
    }
    const room = this.maxTotalTokens - tokens.length;
    const wanted = p.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
    const maxNewTokens = p.max_new_tokens == null || request.fitMaxNewTokens ? Math.min(wanted, room) : wanted;
    if (maxNewTokens > room) {
      throw validationError(
        `\`inputs\` tokens + \`max_new_tokens\` must be <= ${this.maxTotalTokens}. Given: ${tokens.length} \`inputs\` tokens and ${maxNewTokens} \`max_new_tokens\``,
      );
    }
    const prepared: PreparedGeneration = { tokens, maxNewTokens, plan: new SamplingPlan(p), stop: p.stop ?? [], topNTokens: p.top_n_tokens ?? 0 };
    return request.constraint ? this.constrained(prepared, request) : prepared;
  }

  /** Adds the grammar of the request's output constraint (422 for what it cannot enforce). */
  private constrained(prepared: PreparedGeneration, request: GenerationRequest): PreparedGeneration {
    const constraint = request.constraint!;
    if (prepared.plan.needsProbabilities) throw validationError('`typical_p` cannot be combined with structured output or tools: leave it unset');
    const syntax = toolCallSyntax(this.chatWrapper.settings);
    const grammar = outputGrammar(this.llama, constraint, request.tools ?? [], syntax);
    return { ...prepared, grammar, ...(constraint.type === 'tools' ? { toolCalls: { syntax, auto: constraint.choice === 'auto' } } : {}) };
  }

  /**
   * Runs a prepared request on `sequence`, reusing the longest prefix already cached there. Yields one
   * event per generated token, then one `end`. An aborted `signal` ends it within one token.
   */
  async *run(prepared: PreparedGeneration, sequence: LlamaContextSequence, signal: AbortSignal, queueMs = 0): AsyncGenerator<GenerationEvent> {
    const { tokens, plan, maxNewTokens, topNTokens } = prepared;
    const started = performance.now();
    // At least one prompt token must be evaluated to get the next token's logits.
    const reused = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
    if (sequence.nextTokenIndex > reused) await sequence.eraseContextTokenRanges([{ start: reused, end: sequence.nextTokenIndex }]);

    const generated: Token[] = [];
    const detokenizer = new IncrementalDetokenizer(this.model, tokens);
    const stopMatcher = new StopHoldback(prepared.stop);
    const penaltyWindow = () => (generated.length >= PENALTY_WINDOW ? generated.slice(-PENALTY_WINDOW) : [...tokens.slice(generated.length - PENALTY_WINDOW), ...generated]);
    const grammarDecoder = prepared.grammar ? new GrammarDecoder(this.model, prepared.grammar, sequence, plan.stepOptions(penaltyWindow), topNTokens) : null;
    const decode = (input: Token[]) =>
      this.batches.run(() => (grammarDecoder ? grammarDecoder.step(input) : this.decodeStep(sequence, input, plan, topNTokens, penaltyWindow)));
    const toolCalls = prepared.toolCalls ? new ToolCallStream(prepared.toolCalls.syntax, prepared.toolCalls.auto) : null;

    let text = '';
    let finishReason: FinishReason = 'length';
    let stopSequence: string | null = null;
    let firstTokenMs = 0;
    let cancelled = signal.aborted;
    let next: Promise<DecodedStep> | null = null;
    try {
      const unread = tokens.slice(reused);
      const toRead = unread.length;
      while (!cancelled && unread.length > PROMPT_STEP) {
        const step = unread.splice(0, PROMPT_STEP);
        await this.batches.run(() => sequence.controlledEvaluate(step));
        cancelled = signal.aborted;
        if (!cancelled) yield { type: 'prompt', evaluated: toRead - unread.length, total: toRead };
      }
      // The decode of the next token starts before this token's event is handed on, so the time the consumer
      // takes (framing, writing to the socket) overlaps the model's work instead of adding to it.
      if (!cancelled) next = decode(unread);
      while (next) {
        const step = await next;
        next = null;
        if (signal.aborted) {
          cancelled = true;
          break;
        }
        const { id } = step;
        generated.push(id);
        if (generated.length === 1) firstTokenMs = performance.now() - started;

        const endOfGeneration = this.model.isEogToken(id);
        const special = endOfGeneration || this.model.isSpecialToken(id);
        const piece = special ? this.model.detokenize([id], true) : detokenizer.push(id);
        if (!special) text += piece;
        if (!special) stopMatcher.push(piece);
        stopSequence = stopMatcher.stopSequence;
        if (endOfGeneration) finishReason = 'eos_token';
        else if (stopSequence !== null) finishReason = 'stop_sequence';
        const last = endOfGeneration || stopSequence !== null || generated.length >= maxNewTokens;
        const event: TokenEvent = { type: 'token', index: generated.length, token: { id, text: piece, logprob: step.logprob, special }, last };
        if (step.top) event.topTokens = step.top.map(([topId, logprob]) => this.describeToken(topId, logprob));
        if (toolCalls) event.toolCallDeltas = [...toolCalls.push(special ? '' : piece), ...(last ? toolCalls.finish() : [])];
        if (!last) next = decode([id]);
        yield event;
        if (last) break;
        // Aborted while the event was handled: the token being decoded is dropped, the sequence is free.
        cancelled = signal.aborted;
        if (cancelled) break;
      }
    } finally {
      // A decode still running (aborted meanwhile) finishes before the sequence is handed back.
      await next?.catch(() => undefined);
      await grammarDecoder?.close();
    }
    const generationMs = performance.now() - started;
    yield {
      type: 'end',
      generatedText: text,
      finishReason,
      generatedTokens: generated.length,
      seed: plan.seed,
      inputLength: tokens.length,
      stopSequence,
      cancelled,
      timings: { queueMs, firstTokenMs, generationMs, reusedPromptTokens: reused },
      ...(toolCalls ? { toolCalls: [...toolCalls.calls] } : {}),
    };
  }

  /**
   * Evaluates `input` on `sequence` and picks the token after it, with its log-probability: one decode.
   *
   * The log-probability comes from the logit of the chosen token, the highest logit and the sum of
   * exp(logit − highest) over the candidates the sampler kept — exactly what node-llama-cpp's `probabilities`
   * would give for that token, without its `confidence`, which sorts the whole vocabulary on every token
   * (a third of the throughput on small models). The top candidates are asked for only when they are needed:
   * for `top_n_tokens`, and when sampling (the sampler's top-k step has sorted the candidates already, so
   * the highest one costs nothing). Typical sampling needs the whole distribution and asks for it.
   */
  private async decodeStep(sequence: LlamaContextSequence, input: Token[], plan: SamplingPlan, topN: number, punish: () => Token[]): Promise<DecodedStep> {
    const whole = plan.needsProbabilities;
    const includeTop = plan.sampling || topN > 0 ? Math.max(topN, 1) : 0;
    const options = plan.stepOptions(punish);
    const lastIndex = input.length - 1;
    const items: ControlledEvaluateInputItem[] = input.slice(0, lastIndex);
    items.push([
      input[lastIndex]!,
      {
        generateNext: whole
          ? { token: true, probabilities: true, options }
          : { token: true, logits: { filter: { tokens: [], includeSelected: true, includeTop } }, totalLogitWeight: true, options },
      },
    ]);
    const results = await sequence.controlledEvaluate(items);
    const result = results[lastIndex]?.next;
    if (result?.token == null) throw new Error('The model gave no next token; the sequence may have been disposed. Try the request again.');

    if (whole) {
      const probabilities = result.probabilities!;
      // Typical sampling is done here: the token chosen replaces the one llama.cpp sampled.
      const id = plan.sampleTypical(probabilities);
      const top = topN > 0 ? [...take(probabilities, topN)].map(([token, probability]): [Token, number] => [token, Math.log(probability)]) : undefined;
      return { id, logprob: Math.log(probabilities.get(id) ?? 0), top };
    }
    const logits = result.logits!;
    const id = result.token;
    // Greedy picks the highest logit, so the chosen one is the maximum; otherwise the top one came along.
    let highest = -Infinity;
    for (const logit of logits.values()) highest = Math.max(highest, logit);
    const logNormalizer = highest + Math.log(result.totalLogitWeight!);
    const logprob = (token: Token) => logits.get(token)! - logNormalizer;
    // The top candidates come first, in the sampler's order; the chosen token follows them when it is not one.
    const top = topN > 0 ? [...take(logits, topN)].map(([token]): [Token, number] => [token, logprob(token)]) : undefined;
    return { id, logprob: logprob(id), top };
  }

  private describeToken(id: Token, logprob: number): GeneratedToken {
    const special = this.model.isSpecialToken(id);
    return { id, text: this.model.detokenize([id], special), logprob, special };
  }

  async dispose(): Promise<void> {
    await this.embedder?.dispose();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}

async function loadLlama(gpu: 'auto' | false): Promise<Llama> {
  // build: 'never' — there is no compiler or network at run time; use the prebuilt binaries.
  const options = { build: 'never', logLevel: LlamaLogLevel.error } as const;
  if (gpu === false) return getLlama({ ...options, gpu: false });
  try {
    return await getLlama({ ...options, gpu: 'auto' });
  } catch {
    return getLlama({ ...options, gpu: false });
  }
}

/** The first `count` entries of a map, in its order. */
function* take<K, V>(map: Map<K, V>, count: number): Generator<[K, V]> {
  if (count <= 0) return;
  let taken = 0;
  for (const entry of map) {
    yield entry;
    if (++taken === count) return;
  }
}
