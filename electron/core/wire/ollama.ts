// Ollama's wire types served on /api (ollama/ollama docs/api.md and docs/openapi.yaml). As in tgi.ts and
// openai.ts, each schema is the single source of the runtime validation, the TypeScript type and the OpenAPI
// document. Durations are nanoseconds. How `options` become TGI's GenerateParameters, and which fields Brook
// refuses, is in server/protocols/ollama/ollamaParameters.ts.
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { ChatTokenLogprob } from './openai.js';
import { MAX_STOP_SEQUENCES, MAX_TOP_N_TOKENS, MinP } from './tgi.js';

// ---------------------------------------------------------------------------------------------
// Requests

const Model = Type.String({
  minLength: 1,
  errorMessage: '`model` is required: send the name GET /api/tags lists',
  description: 'Any name is accepted (Brook serves the one loaded model); responses echo it.',
});

const KeepAlive = Nullable(
  Type.Union([Type.String(), Type.Number()], { description: 'Accepted; Brook keeps its model loaded while it runs.' }),
);

/**
 * The options Brook honours, with their ranges. Any other option is refused with 400 unless it has the value
 * that changes nothing (ollamaParameters.ts), so a client never gets a silent 200 for a setting Brook ignored.
 */
export const OllamaOptions = Type.Object(
  {
    temperature: Nullable(Type.Number({ minimum: 0, errorMessage: '`options.temperature` must be >= 0', description: '0 is greedy decoding; default 0.8.' })),
    top_p: Nullable(Type.Number({ minimum: 0, maximum: 1, errorMessage: '`options.top_p` must be >= 0 and <= 1', description: 'Default 0.9; 1 turns it off.' })),
    top_k: Nullable(Type.Integer({ minimum: 0, errorMessage: '`options.top_k` must be an integer >= 0', description: 'Default 40; 0 turns it off.' })),
    typical_p: Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 1, errorMessage: '`options.typical_p` must be > 0 and <= 1', description: '1 turns it off.' })),
    min_p: Nullable(MinP('`options.min_p`')),
    seed: Nullable(Type.Integer({ minimum: -(2 ** 63), maximum: 2 ** 64, errorMessage: '`options.seed` must be an integer', description: 'Same seed, same sampled answer; negative is random.' })),
    num_predict: Nullable(
      Type.Integer({
        minimum: -2,
        not: { const: 0 },
        errorMessage: '`options.num_predict` must be a positive number of tokens, or -1 (until the context is full) or -2 (fill the context)',
        description: 'Most tokens to generate; -1 or -2 (the default): until the reply ends or the context is full.',
      }),
    ),
    stop: Nullable(
      Type.Union(
        [
          Type.String({ minLength: 1, errorMessage: `\`options.stop\` must be a non-empty string or an array of up to ${MAX_STOP_SEQUENCES} non-empty strings` }),
          Type.Array(Type.String({ minLength: 1 }), { maxItems: MAX_STOP_SEQUENCES }),
        ],
        { description: 'Generation stops before the first of these; the stop text is not returned.' },
      ),
    ),
    num_ctx: Nullable(
      Type.Integer({ minimum: 1, errorMessage: '`options.num_ctx` must be a positive number of tokens', description: "Up to Brook's context size per request (GET /api/ps); larger is refused." }),
    ),
    repeat_penalty: Nullable(Type.Number({ exclusiveMinimum: 0, errorMessage: '`options.repeat_penalty` must be > 0', description: 'Over a fixed window of recent tokens; 1 (the default here) turns it off.' })),
    frequency_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2, errorMessage: '`options.frequency_penalty` must be >= -2 and <= 2' })),
  },
  { title: 'OllamaOptions', additionalProperties: true, description: 'Other options are refused with 400 unless set to the value that changes nothing.' },
);
export type OllamaOptions = Static<typeof OllamaOptions>;

const Format = Nullable(
  Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })], {
    description: '"json" (any JSON object) or a JSON schema: the reply is grammar-constrained to it, so it always parses.',
  }),
);

const Think = Nullable(Type.Union([Type.Boolean(), Type.String()], { description: "Brook's model does not think: only false is accepted." }));

const GenerationFields = {
  model: Model,
  stream: Nullable(Type.Boolean({ default: true, description: 'NDJSON stream (the default), or one JSON object with `false`.' })),
  options: Nullable(OllamaOptions),
  format: Format,
  keep_alive: KeepAlive,
  think: Think,
  logprobs: Nullable(Type.Boolean({ description: 'Return the log probability of each generated token.' })),
  top_logprobs: Nullable(
    Type.Integer({
      minimum: 0,
      maximum: MAX_TOP_N_TOKENS,
      errorMessage: `\`top_logprobs\` must be >= 0 and <= ${MAX_TOP_N_TOKENS}`,
      description: 'This many most likely tokens at each position; needs logprobs: true.',
    }),
  ),
};

const Images = Nullable(Type.Array(Type.String(), { description: "Brook's model reads text only: must be empty." }));

export const OllamaToolCall = Type.Object(
  {
    function: Type.Object({ name: Type.String(), arguments: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: true }),
  },
  { title: 'OllamaToolCall', additionalProperties: true },
);
export type OllamaToolCall = Static<typeof OllamaToolCall>;

export const OllamaTool = Type.Object(
  {
    type: Type.Literal('function', { errorMessage: '`tools[].type` must be "function"' }),
    function: Type.Object({
      name: Type.String({ minLength: 1, errorMessage: '`tools[].function.name` must be a non-empty string' }),
      description: Nullable(Type.String()),
      parameters: Nullable(Type.Object({}, { additionalProperties: true, description: 'JSON Schema of the arguments object.' })),
    }),
  },
  { title: 'OllamaTool' },
);
export type OllamaTool = Static<typeof OllamaTool>;

export const OllamaMessage = Type.Object(
  {
    role: Type.Enum(['system', 'user', 'assistant', 'tool'], { errorMessage: '`role` must be "system", "user", "assistant" or "tool"' }),
    content: Nullable(Type.String({ maxLength: 1_000_000 })),
    images: Images,
    tool_calls: Nullable(Type.Array(OllamaToolCall, { description: 'Assistant turns: the calls the model made.' })),
    tool_name: Nullable(Type.String({ description: 'Tool turns: the function whose result this is (else the first call not yet answered).' })),
    thinking: Nullable(Type.String({ description: 'Accepted and dropped: the model does not read back its thinking.' })),
  },
  { title: 'OllamaMessage' },
);
export type OllamaMessage = Static<typeof OllamaMessage>;

export const OllamaChatRequest = Type.Object(
  {
    ...GenerationFields,
    messages: Nullable(Type.Array(OllamaMessage, { maxItems: 10_000, description: 'Empty or absent: the model is loaded and nothing is generated (done_reason "load").' })),
    tools: Nullable(
      Type.Array(OllamaTool, {
        maxItems: 128,
        description: 'Functions the model may call (it chooses between text and calls); calls are grammar-constrained, so their arguments are valid against `parameters`.',
      }),
    ),
  },
  { title: 'OllamaChatRequest' },
);
export type OllamaChatRequest = Static<typeof OllamaChatRequest>;

export const OllamaGenerateRequest = Type.Object(
  {
    ...GenerationFields,
    prompt: Nullable(Type.String({ maxLength: 1_000_000, description: 'Empty or absent: the model is loaded and nothing is generated (done_reason "load").' })),
    system: Nullable(Type.String({ maxLength: 1_000_000, description: 'A system message before the prompt (not with raw).' })),
    raw: Nullable(Type.Boolean({ description: "The prompt as is, without the model's chat template." })),
    suffix: Nullable(Type.String({ description: 'Fill-in-the-middle is not supported: must be empty.' })),
    template: Nullable(Type.String({ description: "Brook uses the model's own chat template: must be empty." })),
    context: Nullable(Type.Array(Type.Integer(), { description: 'Not supported (deprecated by Ollama): send the conversation to /api/chat.' })),
    images: Images,
  },
  { title: 'OllamaGenerateRequest' },
);
export type OllamaGenerateRequest = Static<typeof OllamaGenerateRequest>;

export const OllamaShowRequest = Type.Object(
  {
    model: Nullable(Type.String({ description: 'Any name: Brook describes the one model it serves.' })),
    name: Nullable(Type.String({ description: 'Older clients send `name` instead of `model`.' })),
    verbose: Nullable(Type.Boolean()),
  },
  { title: 'OllamaShowRequest' },
);
export type OllamaShowRequest = Static<typeof OllamaShowRequest>;

export const OllamaEmbedRequest = Type.Object(
  {
    model: Model,
    input: Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1, maxItems: 2048 })], {
      errorMessage: '`input` must be a string or an array of strings',
    }),
    truncate: Nullable(Type.Boolean({ description: 'Accepted; a text longer than the context is refused (400) rather than cut.' })),
    dimensions: Nullable(Type.Integer({ description: "The model's embedding size, or unset: Brook does not shorten embeddings." })),
    options: Nullable(Type.Object({}, { additionalProperties: true, description: 'Accepted: sampling options do not change embeddings.' })),
    keep_alive: KeepAlive,
  },
  { title: 'OllamaEmbedRequest' },
);
export type OllamaEmbedRequest = Static<typeof OllamaEmbedRequest>;

/** The older embeddings route (/api/embeddings): one `prompt`, one `embedding`. */
export const OllamaEmbeddingsRequest = Type.Object(
  { model: Model, prompt: Type.String({ errorMessage: '`prompt` must be a string' }), options: Nullable(Type.Object({}, { additionalProperties: true })), keep_alive: KeepAlive },
  { title: 'OllamaEmbeddingsRequest' },
);
export type OllamaEmbeddingsRequest = Static<typeof OllamaEmbeddingsRequest>;

// ---------------------------------------------------------------------------------------------
// Responses

export const OllamaDoneReason = Type.Enum(['stop', 'length', 'load'], { title: 'OllamaDoneReason' });
export type OllamaDoneReason = Static<typeof OllamaDoneReason>;

/** The statistics of the last object of a stream and of a whole response; durations in nanoseconds. */
const DoneFields = {
  done_reason: Type.Optional(OllamaDoneReason),
  total_duration: Type.Optional(Type.Integer({ description: 'From receipt to the end, ns.' })),
  load_duration: Type.Optional(Type.Integer({ description: 'Waiting for a free sequence (the model stays loaded), ns.' })),
  prompt_eval_count: Type.Optional(Type.Integer({ description: 'Prompt tokens.' })),
  prompt_eval_duration: Type.Optional(Type.Integer({ description: 'Prompt evaluation up to the first generated token, ns.' })),
  eval_count: Type.Optional(Type.Integer({ description: 'Generated tokens.' })),
  eval_duration: Type.Optional(Type.Integer({ description: 'Generation after the first token, ns; eval_count / eval_duration * 1e9 is tokens per second.' })),
};
export type OllamaDoneFields = { [K in Exclude<keyof typeof DoneFields, 'done_reason'>]?: number } & { done_reason?: OllamaDoneReason };

const Head = { model: Type.String(), created_at: Type.String({ description: 'ISO 8601.' }), done: Type.Boolean() };

/** With `logprobs: true`: one entry per token of this object's text (the same shape as OpenAI's chat logprobs). */
const Logprobs = Type.Optional(Type.Array(ChatTokenLogprob));

export const OllamaChatResponse = Type.Object(
  {
    ...Head,
    message: Type.Object({ role: Type.Literal('assistant'), content: Type.String(), tool_calls: Type.Optional(Type.Array(OllamaToolCall)) }),
    logprobs: Logprobs,
    ...DoneFields,
  },
  { title: 'OllamaChatResponse', description: 'A whole reply, or one line of the stream (the last has done: true and the statistics).' },
);
export type OllamaChatResponse = Static<typeof OllamaChatResponse>;

export const OllamaGenerateResponse = Type.Object(
  { ...Head, response: Type.String(), logprobs: Logprobs, ...DoneFields },
  { title: 'OllamaGenerateResponse', description: 'A whole reply, or one line of the stream (the last has done: true and the statistics).' },
);
export type OllamaGenerateResponse = Static<typeof OllamaGenerateResponse>;

export const OllamaModelDetails = Type.Object(
  {
    parent_model: Type.String(),
    format: Type.String(),
    family: Type.String(),
    families: Type.Array(Type.String()),
    parameter_size: Type.String(),
    quantization_level: Type.String(),
  },
  { title: 'OllamaModelDetails' },
);
export type OllamaModelDetails = Static<typeof OllamaModelDetails>;

export const OllamaModelSummary = Type.Object(
  {
    name: Type.String(),
    model: Type.String(),
    modified_at: Type.String(),
    size: Type.Integer({ description: 'Bytes of the model file; 0 where not known (a remote model).' }),
    digest: Type.String({ description: 'Identifies the served model (a SHA-256 of its path and size, not of its bytes).' }),
    details: OllamaModelDetails,
  },
  { title: 'OllamaModelSummary' },
);
export type OllamaModelSummary = Static<typeof OllamaModelSummary>;

export const OllamaTagsResponse = Type.Object({ models: Type.Array(OllamaModelSummary) }, { title: 'OllamaTagsResponse' });
export type OllamaTagsResponse = Static<typeof OllamaTagsResponse>;

export const OllamaRunningModel = Type.Object(
  {
    ...OllamaModelSummary.properties,
    expires_at: Type.String({ description: 'Brook keeps its model loaded while it runs.' }),
    size_vram: Type.Integer(),
    context_length: Type.Integer({ description: "Tokens per request, prompt and reply: Brook's context size." }),
  },
  { title: 'OllamaRunningModel' },
);
export type OllamaRunningModel = Static<typeof OllamaRunningModel>;

export const OllamaPsResponse = Type.Object({ models: Type.Array(OllamaRunningModel) }, { title: 'OllamaPsResponse' });
export type OllamaPsResponse = Static<typeof OllamaPsResponse>;

export const OllamaShowResponse = Type.Object(
  {
    modelfile: Type.String(),
    parameters: Type.String({ description: 'The defaults Brook applies to Ollama requests, one per line.' }),
    template: Type.String({ description: "The model's own chat template (Jinja, from its GGUF), which Brook applies." }),
    license: Type.String(),
    modified_at: Type.String(),
    details: OllamaModelDetails,
    model_info: Type.Record(Type.String(), Type.Unknown(), {
      description: "GGUF metadata; `<architecture>.context_length` is Brook's context size per request, what a client may send.",
    }),
    capabilities: Type.Array(Type.String(), { description: '"completion", and more only where Brook supports it.' }),
  },
  { title: 'OllamaShowResponse' },
);
export type OllamaShowResponse = Static<typeof OllamaShowResponse>;

export const OllamaEmbedResponse = Type.Object(
  {
    model: Type.String(),
    embeddings: Type.Array(Type.Array(Type.Number()), { description: 'One vector per input, pooled and normalized to length 1.' }),
    total_duration: Type.Integer(),
    load_duration: Type.Integer(),
    prompt_eval_count: Type.Integer(),
  },
  { title: 'OllamaEmbedResponse' },
);
export type OllamaEmbedResponse = Static<typeof OllamaEmbedResponse>;

export const OllamaEmbeddingsResponse = Type.Object({ embedding: Type.Array(Type.Number()) }, { title: 'OllamaEmbeddingsResponse' });
export type OllamaEmbeddingsResponse = Static<typeof OllamaEmbeddingsResponse>;

export const OllamaVersionResponse = Type.Object({ version: Type.String() }, { title: 'OllamaVersionResponse' });
export type OllamaVersionResponse = Static<typeof OllamaVersionResponse>;

export const OllamaErrorResponse = Type.Object({ error: Type.String() }, { title: 'OllamaErrorResponse' });
export type OllamaErrorResponse = Static<typeof OllamaErrorResponse>;
