// How an Ollama request becomes the pipeline's GenerationRequest. Options map onto TGI's GenerateParameters:
//
//   unset temperature / top_k / top_p  → Ollama's defaults: 0.8 / 40 / 0.9 (OLLAMA_DEFAULTS)
//   temperature 0 (or top_p 0)         → greedy: do_sample false, no seed
//   otherwise                          → do_sample true; temperature; top_p when < 1; top_k when > 0;
//                                        typical_p when < 1; min_p when > 0; seed mod 2^32 when >= 0
//                                        (negative: random)
//   num_predict N > 0                  → max_new_tokens N, shortened to the room the prompt leaves (Ollama
//                                        never refuses a long num_predict)
//   num_predict -1, -2 or unset        → until the reply ends or the context (num_ctx, or Brook's) is full
//   num_ctx                            → up to Brook's context size; a larger one is refused (it is set when
//                                        Brook starts: --context-size)
//   stop: string | string[]            → stop (the stop text is held back, as Ollama does)
//   repeat_penalty, frequency_penalty  → repetition_penalty, frequency_penalty
//   any other option                   → 400, unless it has the value that changes nothing (NEUTRAL_OPTIONS)
//
//   format "json" | schema             → a `json` constraint (grammar-constrained decoding)
//   tools                              → tools, with an `auto` tools constraint (the model picks text or calls,
//                                        one or more): Ollama has no tool_choice
//   assistant tool_calls, tool turns   → toolCalls with ids made here, and each tool turn tied to the first call
//                                        not yet answered (with that `tool_name`, when it is given): Ollama's
//                                        calls carry no ids
//
// /api/generate applies the model's chat template to `system` + `prompt` (Ollama's default) unless `raw`.
//   logprobs, top_logprobs              → top_n_tokens (top_logprobs needs logprobs: true)
//
// Fields Brook cannot honour (images, suffix, template, context, think) get a 400 that says so,
// never a 200 that quietly ignores them.
import type { ModelInfo } from '../../../wire/bridge.js';
import type { ChatMessage, GenerationRequest, JsonSchema, OutputConstraint, Prompt, ToolCall, ToolDefinition } from '../../../wire/generation.js';
import { OllamaOptions, type OllamaChatRequest, type OllamaGenerateRequest, type OllamaMessage, type OllamaTool } from '../../../wire/ollama.js';
import type { GenerateParameters } from '../../../wire/tgi.js';
import { badRequest } from './ollamaErrors.js';

/** What Ollama uses when a request leaves these out (its Modelfile defaults); /api/show lists them. */
export const OLLAMA_DEFAULTS = { temperature: 0.8, top_k: 40, top_p: 0.9 } as const;

/** The options the schema lists are the ones Brook honours. */
const HONOURED = Object.keys(OllamaOptions.properties);

/** Options Ollama defines that Brook does not implement, with the value that leaves generation unchanged. */
const NEUTRAL_OPTIONS: Record<string, unknown> = {
  presence_penalty: 0,
  mirostat: 0,
  tfs_z: 1,
  // Brook's repetition penalty treats newlines like any token: what Ollama calls penalize_newline.
  penalize_newline: true,
};

/** Options that choose how Ollama loads a model; Brook's are set when it starts. */
const LOAD_OPTIONS = ['numa', 'num_batch', 'num_gpu', 'main_gpu', 'low_vram', 'vocab_only', 'use_mmap', 'use_mlock', 'num_thread', 'f16_kv', 'logits_all', 'embedding_only', 'num_keep'];

export function ollamaParameters(options: OllamaOptions | null | undefined, info: ModelInfo): GenerateParameters {
  const o = options ?? {};
  assertHonoured(o);
  if (o.num_ctx != null && o.num_ctx > info.contextSize) {
    throw badRequest(
      `\`options.num_ctx\` ${o.num_ctx} is larger than Brook's context of ${info.contextSize} tokens per request. Send num_ctx <= ${info.contextSize}, or start Brook with a larger --context-size.`,
    );
  }
  const stop = o.stop == null ? [] : typeof o.stop === 'string' ? [o.stop] : o.stop;
  const maxNewTokens = o.num_predict != null && o.num_predict > 0 ? o.num_predict : (o.num_ctx ?? info.contextSize);
  const common: GenerateParameters = {
    stop,
    max_new_tokens: maxNewTokens,
    ...(o.repeat_penalty != null && o.repeat_penalty !== 1 ? { repetition_penalty: o.repeat_penalty } : {}),
    ...(o.frequency_penalty ? { frequency_penalty: o.frequency_penalty } : {}),
  };
  const temperature = o.temperature ?? OLLAMA_DEFAULTS.temperature;
  const topP = o.top_p ?? OLLAMA_DEFAULTS.top_p;
  const topK = o.top_k ?? OLLAMA_DEFAULTS.top_k;
  if (temperature === 0 || topP === 0) return { ...common, do_sample: false };
  return {
    ...common,
    do_sample: true,
    ...(temperature !== 1 ? { temperature } : {}),
    ...(topP < 1 ? { top_p: topP } : {}),
    ...(topK > 0 ? { top_k: topK } : {}),
    ...(o.typical_p != null && o.typical_p < 1 ? { typical_p: o.typical_p } : {}),
    ...(o.min_p != null && o.min_p > 0 ? { min_p: o.min_p } : {}),
    ...(o.seed != null && o.seed >= 0 ? { seed: o.seed % 2 ** 32 } : {}),
  };
}

function assertHonoured(options: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(options)) {
    if (value == null || HONOURED.includes(name)) continue;
    if (name in NEUTRAL_OPTIONS) {
      if (value === NEUTRAL_OPTIONS[name]) continue;
      throw badRequest(`\`options.${name}\` is not supported by Brook: leave it out or set it to ${JSON.stringify(NEUTRAL_OPTIONS[name])}.`);
    }
    if (name === 'repeat_last_n') {
      throw badRequest('`options.repeat_last_n` is not supported by Brook: its repetition penalty looks at a fixed window of recent tokens. Leave it out.');
    }
    if (LOAD_OPTIONS.includes(name)) {
      throw badRequest(`\`options.${name}\` is not supported by Brook: how the model is loaded and run is set when Brook starts. Leave it out.`);
    }
    throw badRequest(`\`options.${name}\` is not an option Brook knows. Brook honours ${HONOURED.join(', ')}.`);
  }
}

/** The request's generation, or null for a request that only loads the model (no messages, no prompt). */
export function chatGeneration(body: OllamaChatRequest, info: ModelInfo): GenerationRequest | null {
  assertGenerationFields(body);
  const messages = body.messages ?? [];
  if (messages.length === 0) return null;
  const tools = (body.tools ?? []).map(toolDefinition);
  if (tools.length > 0 && body.format != null && body.format !== '') {
    throw badRequest('`format` and `tools` cannot be used together: the reply is either calls or JSON in that format. Send one of them.');
  }
  const constraint: OutputConstraint | undefined = tools.length > 0 ? { type: 'tools', choice: 'auto', parallel: true } : formatConstraint(body.format);
  return {
    prompt: { messages: chatMessages(messages) },
    parameters: parameters(body, info),
    fitMaxNewTokens: true,
    ...(tools.length > 0 ? { tools } : {}),
    ...(constraint ? { constraint } : {}),
  };
}

export function generateGeneration(body: OllamaGenerateRequest, info: ModelInfo): GenerationRequest | null {
  assertGenerationFields(body);
  if (body.suffix) throw badRequest('`suffix` (fill-in-the-middle) is not supported by Brook: send the text before the gap as `prompt`.');
  if (body.template) throw badRequest("`template` is not supported by Brook: it uses the model's own chat template. Leave it out, or send a templated prompt with `raw: true`.");
  if (body.context != null && body.context.length > 0) throw badRequest('`context` is not supported by Brook: send the conversation as `messages` to POST /api/chat.');
  if (body.images != null && body.images.length > 0) throw textOnly();
  if (body.raw && body.system) throw badRequest('`system` cannot be used with `raw: true`: put it in the raw prompt.');
  const prompt = body.prompt ?? '';
  if (prompt === '') return null;
  const templated: Prompt = body.raw
    ? { text: prompt }
    : { messages: [...(body.system ? [{ role: 'system' as const, content: body.system }] : []), { role: 'user', content: prompt }] };
  const constraint = formatConstraint(body.format);
  return { prompt: templated, parameters: parameters(body, info), fitMaxNewTokens: true, ...(constraint ? { constraint } : {}) };
}

function assertGenerationFields(body: OllamaChatRequest | OllamaGenerateRequest): void {
  if (body.think != null && body.think !== false) throw badRequest("`think` is not supported: Brook's model does not think. Leave it out or send false.");
  if (body.top_logprobs && !body.logprobs) throw badRequest('`top_logprobs` needs `logprobs: true`.');
}

/** The request's parameters, with the log-probability alternatives it asks for. */
function parameters(body: OllamaChatRequest | OllamaGenerateRequest, info: ModelInfo): GenerateParameters {
  return { ...ollamaParameters(body.options, info), top_n_tokens: body.logprobs ? (body.top_logprobs ?? 0) : 0 };
}

/** `format`: "json" is any JSON object, an object is a JSON schema; '' (what some clients send) is none. */
function formatConstraint(format: OllamaChatRequest['format']): OutputConstraint | undefined {
  if (format == null || format === '') return undefined;
  if (format === 'json') return { type: 'json', schema: null };
  if (typeof format === 'string') throw badRequest(`\`format\` must be "json" or a JSON schema object, not "${format}".`);
  return { type: 'json', schema: format as JsonSchema };
}

function toolDefinition(tool: OllamaTool): ToolDefinition {
  const { name, description, parameters } = tool.function;
  return { name, ...(description ? { description } : {}), parameters: (parameters as JsonSchema | null | undefined) ?? { type: 'object', properties: {} } };
}

/**
 * Ollama's messages as the engine's. Ollama's tool calls have no ids, so each gets one here, and a tool turn
 * answers the first call not yet answered (the first with its `tool_name`, when it names one).
 */
function chatMessages(messages: readonly OllamaMessage[]): ChatMessage[] {
  const unanswered: ToolCall[] = [];
  return messages.map((message, index) => {
    if (message.images != null && message.images.length > 0) throw textOnly();
    const content = message.content ?? '';
    if (message.role === 'tool') {
      const at = unanswered.findIndex((call) => message.tool_name == null || call.name === message.tool_name);
      if (at === -1) {
        const which = message.tool_name == null ? 'a call' : `a call of "${message.tool_name}"`;
        throw badRequest(`\`messages[${index}]\` is a tool result, but no earlier assistant message has ${which} that is not answered yet. Send the assistant message with its tool_calls first.`);
      }
      const [call] = unanswered.splice(at, 1);
      return { role: 'tool', content, toolCallId: call!.id };
    }
    if (message.role !== 'assistant' || message.tool_calls == null || message.tool_calls.length === 0) return { role: message.role, content };
    const toolCalls = message.tool_calls.map((call, position) => ({
      id: `call_${index}_${position}`,
      name: call.function.name,
      arguments: JSON.stringify(call.function.arguments ?? {}),
    }));
    unanswered.push(...toolCalls);
    return { role: 'assistant', content, toolCalls };
  });
}

const textOnly = () => badRequest("`images` are not supported: Brook's model reads text only. Leave them out.");
