import type { ControlledEvaluateInputItem, Token } from 'node-llama-cpp';
import type { GenerateParameters } from '../wire/tgi.js';

/** The sampler options `controlledEvaluate` takes for one step (node-llama-cpp does not name the type). */
export type StepSamplerOptions = NonNullable<NonNullable<Extract<ControlledEvaluateInputItem, unknown[]>[1]['generateNext']>['options']>;

/**
 * How one request picks its tokens, resolved from TGI's parameters with TGI's rules: greedy unless
 * `do_sample` is set or a warper (temperature ≠ 1, top_k, top_p, typical_p, or Brook's min_p above 0) is
 * given; a sampled request without a seed gets a random one, reported back in `details.seed`.
 */
export class SamplingPlan {
  readonly sampling: boolean;
  readonly seed: number | null;
  readonly typicalP: number | null;
  private readonly random: () => number;

  constructor(private readonly parameters: GenerateParameters) {
    const p = parameters;
    const hasWarper =
      (p.temperature != null && p.temperature !== 1) || p.top_k != null || p.top_p != null || p.typical_p != null || (p.min_p != null && p.min_p > 0);
    this.sampling = p.do_sample === true || hasWarper;
    this.seed = this.sampling ? (p.seed ?? Math.floor(Math.random() * 2 ** 32)) : null;
    this.typicalP = this.sampling ? (p.typical_p ?? null) : null;
    this.random = mulberry32(this.seed ?? 0);
  }

  /**
   * Sampler options for one decoding step; `punish` gives the tokens the penalties look at. Every step gets a
   * fresh sampler (node-llama-cpp's `controlledEvaluate` makes one per call), so a sampled request draws each
   * step's seed from its own seeded PRNG: the same seed still gives the same text.
   */
  stepOptions(punish: () => Token[]): StepSamplerOptions {
    const p = this.parameters;
    const repetition = p.repetition_penalty ?? 1;
    const frequency = p.frequency_penalty ?? 0;
    const repeatPenalty =
      repetition !== 1 || frequency !== 0
        ? { punishTokens: punish, penalty: repetition, frequencyPenalty: frequency, maxPunishTokens: 256 }
        : undefined;
    if (!this.sampling) return { temperature: 0, repeatPenalty };
    return {
      temperature: p.temperature ?? 1,
      topK: p.top_k ?? 0,
      topP: p.top_p ?? 1,
      minP: p.min_p ?? 0,
      seed: Math.floor(this.random() * 2 ** 32),
      repeatPenalty,
    };
  }

  /** Whether the full distribution is needed for every step (typical sampling is done here, not in llama.cpp). */
  get needsProbabilities(): boolean {
    return this.typicalP !== null;
  }

  /**
   * Typical sampling (Meister et al.): keep the tokens whose surprise is closest to the distribution's
   * entropy until their mass reaches typical_p, then draw from them with the request's seed.
   */
  sampleTypical(probabilities: Map<Token, number>): Token {
    const entries = [...probabilities].filter(([, prob]) => prob > 0);
    const entropy = -entries.reduce((sum, [, prob]) => sum + prob * Math.log(prob), 0);
    entries.sort((a, b) => Math.abs(-Math.log(a[1]) - entropy) - Math.abs(-Math.log(b[1]) - entropy));
    const kept: [Token, number][] = [];
    let mass = 0;
    for (const entry of entries) {
      kept.push(entry);
      mass += entry[1];
      if (mass >= (this.typicalP ?? 1)) break;
    }
    let draw = this.random() * mass;
    for (const [token, prob] of kept) {
      draw -= prob;
      if (draw <= 0) return token;
    }
    return kept[kept.length - 1]![0];
  }
}

/** A small seeded PRNG: same seed, same draws. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
