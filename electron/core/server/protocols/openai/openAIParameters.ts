// How OpenAI's request parameters become TGI's GenerateParameters, the one parameter set the engine takes.
//
//   temperature 0 (or top_p 0)          → greedy: do_sample false, no temperature/top_p/top_k/typical_p, no seed
//   do_sample false and no warper       → greedy (TGI extension, as @huggingface/inference sends it)
//   otherwise                           → do_sample true; temperature as given (unset = 1);
//                                         top_p when < 1 (TGI requires < 1, OpenAI allows 1 = off);
//                                         top_k, typical_p (TGI extensions); min_p when > 0 (the
//                                         llama-server and vLLM extension); seed mod 2^32
//   max_completion_tokens ?? max_tokens → max_new_tokens (/v1/completions: max_tokens ?? max_new_tokens);
//                                         unset: what fits in the context, at most 1024
//   stop: string | string[]             → stop: string[] (the engine stops on it; the route cuts it off)
//   frequency_penalty                   → frequency_penalty (0 = off); repetition_penalty passes through
//   user, model, metadata, service_tier  → accepted, ignored (labels; Brook serves one model, stores nothing)
//   presence_penalty ≠ 0, logit_bias, … → 422 saying what Brook does instead (openAIRefusals.ts)
//   tools, tool_choice, response_format → tools and an output constraint (chatConstraint.ts)
//   chat: logprobs + top_logprobs       → top_n_tokens = top_logprobs
//   completions: logprobs N             → top_n_tokens = N (TGI's top_n_tokens when logprobs is unset)
//   n, best_of                          → must be 1 (422 otherwise, by the schema)
import { validationError } from '../../../errors.js';
import type { ChatMessage } from '../../../wire/generation.js';
import type { ChatCompletionMessage, ChatCompletionRequest, CompletionRequest } from '../../../wire/openai.js';
import type { GenerateParameters } from '../../../wire/tgi.js';

type SamplingRequest = Pick<
  ChatCompletionRequest,
  'temperature' | 'top_p' | 'seed' | 'stop' | 'frequency_penalty' | 'do_sample' | 'top_k' | 'repetition_penalty' | 'typical_p' | 'min_p'
>;

export function chatParameters(body: ChatCompletionRequest): GenerateParameters {
  if ((body.top_logprobs ?? 0) > 0 && body.logprobs !== true) throw validationError('`top_logprobs` needs `logprobs: true`');
  return {
    ...samplingParameters(body),
    max_new_tokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    top_n_tokens: body.logprobs ? (body.top_logprobs ?? 0) : 0,
  };
}

export function completionParameters(body: CompletionRequest): GenerateParameters {
  return {
    ...samplingParameters(body),
    max_new_tokens: body.max_tokens ?? body.max_new_tokens ?? null,
    top_n_tokens: body.logprobs ?? body.top_n_tokens ?? 0,
    truncate: body.truncate ?? null,
  };
}

/** The stop sequences as a list (OpenAI also takes one string). */
export function stopSequences(stop: SamplingRequest['stop']): string[] {
  if (stop == null) return [];
  return typeof stop === 'string' ? [stop] : stop;
}

function samplingParameters(body: SamplingRequest): GenerateParameters {
  const common: GenerateParameters = {
    stop: stopSequences(body.stop),
    ...(body.frequency_penalty ? { frequency_penalty: body.frequency_penalty } : {}),
    ...(body.repetition_penalty != null ? { repetition_penalty: body.repetition_penalty } : {}),
  };
  const temperature = body.temperature ?? 1;
  const topP = body.top_p ?? 1;
  const minP = body.min_p ?? 0;
  const hasWarper = temperature !== 1 || topP !== 1 || body.top_k != null || body.typical_p != null || minP > 0;
  const greedy = temperature === 0 || topP === 0 || (body.do_sample === false && !hasWarper);
  if (greedy) return { ...common, do_sample: false };
  return {
    ...common,
    do_sample: true,
    ...(temperature !== 1 ? { temperature } : {}),
    ...(topP < 1 ? { top_p: topP } : {}),
    ...(body.top_k != null ? { top_k: body.top_k } : {}),
    ...(body.typical_p != null ? { typical_p: body.typical_p } : {}),
    ...(minP > 0 ? { min_p: minP } : {}),
    ...(body.seed != null ? { seed: ((body.seed % 2 ** 32) + 2 ** 32) % 2 ** 32 } : {}),
  };
}

/** OpenAI messages as the engine's chat messages: text parts joined, "developer" read as "system", tool calls and results kept. */
export function chatMessages(messages: readonly ChatCompletionMessage[]): ChatMessage[] {
  return messages.map((message, index) => {
    if (message.content === undefined && message.role !== 'assistant') throw validationError(`\`messages[${index}].content\` is required`);
    return {
      role: message.role === 'developer' ? 'system' : message.role,
      content: typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text).join(''),
      ...(message.tool_calls?.length ? { toolCalls: message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })) } : {}),
      ...(message.tool_call_id != null ? { toolCallId: message.tool_call_id } : {}),
    };
  });
}

/** The completion prompt: a string, or an array of one string. */
export function completionPrompt(prompt: CompletionRequest['prompt']): string {
  return typeof prompt === 'string' ? prompt : prompt[0]!;
}
