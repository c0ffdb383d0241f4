// Decoding under a grammar. node-llama-cpp's `controlledEvaluate` (the engine's fast path) takes no grammar,
// so a constrained request decodes through `evaluateWithMetadata`, whose sampler applies the grammar and
// advances it with each chosen token. Log-probabilities come from the sampler's confidence in the token.
import { LlamaGrammarEvaluationState, type LlamaContextSequence, type LlamaGrammar, type LlamaModel, type SequenceEvaluateOptions, type Token } from 'node-llama-cpp';
import type { DecodedStep } from './Engine.js';
import type { StepSamplerOptions } from './SamplingPlan.js';

export class GrammarDecoder {
  private readonly state: LlamaGrammarEvaluationState;
  private steps: ReturnType<LlamaContextSequence['evaluateWithMetadata']> | null = null;

  constructor(
    model: LlamaModel,
    grammar: LlamaGrammar,
    private readonly sequence: LlamaContextSequence,
    private readonly options: StepSamplerOptions,
    private readonly topN: number,
  ) {
    this.state = new LlamaGrammarEvaluationState({ model, grammar });
  }

  /** Evaluates `input` (the prompt's new tokens first, then each chosen token) and picks the next token. */
  async step(input: Token[]): Promise<DecodedStep> {
    let result;
    if (!this.steps) {
      const options: SequenceEvaluateOptions = { ...(this.options as SequenceEvaluateOptions), grammarEvaluationState: this.state, yieldEogToken: true };
      this.steps = this.sequence.evaluateWithMetadata(input, { confidence: true, probabilities: this.topN > 0 ? true : undefined }, options);
      result = await this.steps.next();
    } else {
      result = await this.steps.next(input);
    }
    if (result.done) throw new Error('The model gave no next token; the sequence may have been disposed. Try the request again.');
    const { token, confidence, probabilities } = result.value as { token: Token; confidence?: number; probabilities?: Map<Token, number> };
    const top = probabilities ? [...probabilities].slice(0, this.topN).map(([id, probability]): [Token, number] => [id, Math.log(probability)]) : undefined;
    return { id: token, logprob: Math.log(confidence ?? probabilities?.get(token) ?? 1), top };
  }

  /** Ends the evaluation (its sampler is freed); call it once the generation is over. */
  async close(): Promise<void> {
    await this.steps?.return(undefined as never);
  }
}
