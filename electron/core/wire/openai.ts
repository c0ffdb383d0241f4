// The OpenAI wire types served on /v1: chat completions, (legacy) completions, models and errors.
// As in tgi.ts, each schema is the single source of the runtime validation (validator.ts), the
// TypeScript type (Static) and the OpenAPI document. Unknown fields are ignored; `null` means "not set".
// How these parameters become TGI's GenerateParameters is in server/openAIParameters.ts.
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { GrammarType, MAX_STOP_SEQUENCES, MAX_TOP_N_TOKENS, MinP } from './tgi.js';

// ---------------------------------------------------------------------------------------------
// Requests

const Model = Type.String({ description: 'Accepted and ignored: Brook serves the one loaded model, whose id the response reports.' });

const Stop = Nullable(
  Type.Union(
    [
      // Of a union, ajv reports the first branch's error: its message covers both forms.
      Type.String({ minLength: 1, errorMessage: `\`stop\` must be a non-empty string or an array of up to ${MAX_STOP_SEQUENCES} non-empty strings` }),
      Type.Array(Type.String({ minLength: 1 }), { maxItems: MAX_STOP_SEQUENCES }),
    ],
    { description: 'Generation stops before the first of these; the stop sequence itself is not returned.' },
  ),
);

/** The sampling parameters both OpenAI routes take, with OpenAI's ranges. */
const SamplingFields = {
  model: Nullable(Model),
  temperature: Nullable(
    Type.Number({ minimum: 0, maximum: 2, errorMessage: '`temperature` must be >= 0 and <= 2', description: '0 is greedy decoding (repeatable); defaults to 1.' }),
  ),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1, errorMessage: '`top_p` must be >= 0 and <= 1' })),
  seed: Nullable(Type.Integer({ minimum: -(2 ** 63), maximum: 2 ** 64, errorMessage: '`seed` must be an integer', description: 'Same seed, same sampled answer.' })),
  stop: Stop,
  frequency_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2, errorMessage: '`frequency_penalty` must be >= -2.0 and <= 2.0' })),
  presence_penalty: Nullable(
    Type.Number({ minimum: -2, maximum: 2, errorMessage: '`presence_penalty` must be >= -2.0 and <= 2.0', description: 'Only 0 (off) is accepted: Brook applies frequency_penalty and repetition_penalty instead (422 otherwise).' }),
  ),
  logit_bias: Nullable(Type.Record(Type.String(), Type.Number(), { description: 'Only empty is accepted: Brook does not bias tokens (422 otherwise); constrain the output with response_format instead.' })),
  n: Nullable(Type.Integer({ minimum: 1, maximum: 1, errorMessage: '`n` must be 1: Brook generates one choice per request' })),
  stream: Nullable(Type.Boolean({ default: false })),
  stream_options: Nullable(
    Type.Object({
      include_usage: Type.Optional(Type.Boolean({ description: 'Send a last chunk with `usage` and no choices before `data: [DONE]`.' })),
    }),
  ),
  user: Type.Optional(Type.String({ description: 'Accepted for compatibility; ignored.' })),
  // TGI's sampling parameters, which several OpenAI-compatible clients send as extras.
  do_sample: Nullable(Type.Boolean({ description: 'TGI extension: false forces greedy decoding.' })),
  top_k: Nullable(Type.Integer({ minimum: 1, errorMessage: '`top_k` must be strictly positive', description: 'TGI extension.' })),
  repetition_penalty: Nullable(Type.Number({ exclusiveMinimum: 0, errorMessage: '`repetition_penalty` must be strictly positive', description: 'TGI extension.' })),
  typical_p: Nullable(
    Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, errorMessage: '`typical_p` must be > 0.0 and < 1.0', description: 'TGI extension.' }),
  ),
  // llama-server and vLLM take min_p on their OpenAI routes too.
  min_p: Nullable(MinP()),
};

export const ChatRole = Type.Enum(['system', 'developer', 'user', 'assistant', 'tool'], {
  errorMessage: '`role` must be "system", "developer", "user", "assistant" or "tool"',
  description: '"developer" is treated as "system". A "tool" message carries the result of an earlier assistant tool call (`tool_call_id`).',
});
export type ChatRole = Static<typeof ChatRole>;

export const TextContentPart = Type.Object({ type: Type.Literal('text'), text: Type.String() }, { title: 'TextContentPart' });
export type TextContentPart = Static<typeof TextContentPart>;

const ToolName = Type.String({
  pattern: '^[a-zA-Z0-9_-]{1,64}$',
  errorMessage: 'a function `name` must be 1 to 64 letters, digits, underscores or dashes',
});

/** A call the assistant made, in requests (history) and in responses. */
export const ToolCallObject = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('function'),
    function: Type.Object({ name: ToolName, arguments: Type.String({ description: 'The arguments as JSON text.' }) }),
  },
  { title: 'ToolCall' },
);
export type ToolCallObject = Static<typeof ToolCallObject>;

export const ChatCompletionMessage = Type.Object(
  {
    role: ChatRole,
    content: Type.Optional(
      Type.Union(
        [
          Type.String({
            maxLength: 1_000_000,
            errorMessage: '`content` must be a string or an array of {"type": "text", "text": "..."} parts (Brook\'s model reads text only)',
          }),
          Type.Array(TextContentPart, { maxItems: 10_000 }),
          Type.Null(),
        ],
        { description: 'Text, or text parts (joined); null or absent for an assistant turn that only called tools.' },
      ),
    ),
    name: Type.Optional(Type.String({ description: 'Accepted; ignored.' })),
    tool_calls: Nullable(Type.Array(ToolCallObject, { maxItems: 128, description: 'Assistant messages: the calls it made.' })),
    tool_call_id: Nullable(Type.String({ description: 'Tool messages: the `id` of the call this is the result of.' })),
  },
  { title: 'ChatCompletionMessage' },
);
export type ChatCompletionMessage = Static<typeof ChatCompletionMessage>;

export const ChatTool = Type.Object(
  {
    type: Type.Literal('function', { errorMessage: 'a tool\'s `type` must be "function"' }),
    function: Type.Object({
      name: ToolName,
      description: Nullable(Type.String()),
      parameters: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of the arguments object; none means no arguments.' })),
      strict: Nullable(Type.Boolean({ description: 'Arguments always follow `parameters` exactly (grammar-constrained), strict or not.' })),
    }),
  },
  { title: 'ChatTool' },
);
export type ChatTool = Static<typeof ChatTool>;

export const ToolChoice = Type.Union(
  [
    Type.Enum(['none', 'auto', 'required'], { errorMessage: '`tool_choice` must be "none", "auto", "required" or {"type": "function", "function": {"name": ...}}' }),
    Type.Object({ type: Type.Literal('function'), function: Type.Object({ name: ToolName }) }),
  ],
  { title: 'ToolChoice', description: 'Defaults to "auto" when `tools` are given. Calls are grammar-constrained: always well-formed, arguments valid against `parameters`.' },
);
export type ToolChoice = Static<typeof ToolChoice>;

export const ResponseFormat = Type.Union(
  [
    Type.Object({ type: Type.Literal('text') }),
    Type.Object({ type: Type.Literal('json_object') }),
    Type.Object({
      type: Type.Literal('json_schema'),
      json_schema: Type.Object({
        name: Type.String({ maxLength: 64 }),
        description: Nullable(Type.String()),
        schema: Nullable(Type.Record(Type.String(), Type.Unknown())),
        strict: Nullable(Type.Boolean({ description: 'The reply always follows the schema (grammar-constrained), strict or not.' })),
      }),
    }),
    // TGI's chat route takes its `grammar` here (huggingface_hub's chat_completion sends it so).
    ...GrammarType.anyOf,
  ],
  {
    title: 'ResponseFormat',
    errorMessage:
      '`response_format` must be {"type": "text"}, {"type": "json_object"}, {"type": "json_schema", "json_schema": {"name": ..., "schema": {...}}}, or TGI\'s {"type": "json" | "regex", "value": ...}',
    description: 'Enforced by grammar-constrained decoding; a schema keyword Brook cannot enforce gets 422 naming it.',
  },
);
export type ResponseFormat = Static<typeof ResponseFormat>;

export const ChatCompletionRequest = Type.Object(
  {
    messages: Type.Array(ChatCompletionMessage, { minItems: 1, maxItems: 10_000, errorMessage: '`messages` must have at least one message' }),
    ...SamplingFields,
    max_tokens: Nullable(Type.Integer({ minimum: 1, errorMessage: '`max_tokens` must be strictly positive', description: 'Deprecated by OpenAI; same as max_completion_tokens.' })),
    max_completion_tokens: Nullable(Type.Integer({ minimum: 1, errorMessage: '`max_completion_tokens` must be strictly positive' })),
    logprobs: Nullable(Type.Boolean({ description: 'Return the log probability of each generated token.' })),
    top_logprobs: Nullable(
      Type.Integer({ minimum: 0, maximum: MAX_TOP_N_TOKENS, errorMessage: `\`top_logprobs\` must be >= 0 and <= ${MAX_TOP_N_TOKENS}`, description: 'Needs logprobs: true.' }),
    ),
    tools: Nullable(Type.Array(ChatTool, { maxItems: 128, description: 'Functions the model may call; described to it through its chat template.' })),
    tool_choice: Nullable(ToolChoice),
    parallel_tool_calls: Nullable(Type.Boolean({ description: 'false: at most one call per reply. Default true: one to four.' })),
    response_format: Nullable(ResponseFormat),
    // Fields OpenAI defines that Brook cannot honour: refused with 422 saying what to do instead (openAIRefusals.ts).
    functions: Nullable(Type.Array(Type.Unknown(), { description: 'Deprecated by OpenAI: refused (422); use `tools`.' })),
    function_call: Nullable(Type.Unknown({ description: 'Deprecated by OpenAI: refused (422); use `tool_choice`.' })),
    modalities: Nullable(Type.Array(Type.String(), { description: 'Only ["text"] is accepted (422 otherwise).' })),
    audio: Nullable(Type.Unknown({ description: 'Refused (422): Brook\'s model reads and writes text only.' })),
    prediction: Nullable(Type.Unknown({ description: 'Refused (422): Brook does not use predicted outputs.' })),
    reasoning_effort: Nullable(Type.String({ description: 'Refused (422): the model does not reason in a separate phase.' })),
    web_search_options: Nullable(Type.Unknown({ description: 'Refused (422): Brook does not search the web.' })),
    store: Nullable(Type.Boolean({ description: 'Only false is accepted: Brook does not store completions (422 otherwise).' })),
    metadata: Nullable(Type.Record(Type.String(), Type.String(), { description: 'Accepted; ignored (it only labels stored completions, and Brook stores none).' })),
    service_tier: Nullable(Type.String({ description: 'Accepted; Brook has one tier and reports none.' })),
  },
  { title: 'ChatCompletionRequest' },
);
export type ChatCompletionRequest = Static<typeof ChatCompletionRequest>;

export const CompletionRequest = Type.Object(
  {
    prompt: Type.Union(
      [
        Type.String({ minLength: 1, maxLength: 1_000_000, errorMessage: '`prompt` must be a non-empty string (or an array of one string)' }),
        Type.Array(Type.String({ minLength: 1, maxLength: 1_000_000 }), { minItems: 1, maxItems: 1 }),
      ],
      { description: 'The prompt, used as is (no chat template).' },
    ),
    ...SamplingFields,
    max_tokens: Nullable(Type.Integer({ minimum: 1, errorMessage: '`max_tokens` must be strictly positive' })),
    logprobs: Nullable(
      Type.Integer({ minimum: 0, maximum: MAX_TOP_N_TOKENS, errorMessage: `\`logprobs\` must be >= 0 and <= ${MAX_TOP_N_TOKENS}`, description: 'Token log probabilities and this many alternatives per token.' }),
    ),
    echo: Nullable(Type.Boolean({ description: 'Prepend the prompt to the returned text.' })),
    best_of: Nullable(Type.Integer({ minimum: 1, maximum: 1, errorMessage: '`best_of` must be 1: Brook generates one sequence per request' })),
    suffix: Nullable(Type.String({ maxLength: 0, errorMessage: '`suffix` is not supported' })),
    // TGI's parameters, as @huggingface/inference's textGenerationStream sends them to /v1/completions.
    max_new_tokens: Nullable(Type.Integer({ minimum: 1, errorMessage: '`max_new_tokens` must be strictly positive', description: 'TGI extension; max_tokens wins.' })),
    truncate: Nullable(Type.Integer({ minimum: 1, errorMessage: '`truncate` must be strictly positive', description: 'TGI extension.' })),
    return_full_text: Nullable(Type.Boolean({ description: 'TGI extension: same as echo.' })),
    details: Nullable(Type.Boolean({ description: 'TGI extension: the last streamed chunk carries TGI `details`.' })),
    top_n_tokens: Nullable(
      Type.Integer({ minimum: 0, maximum: MAX_TOP_N_TOKENS, errorMessage: `\`top_n_tokens\` must be >= 0 and <= ${MAX_TOP_N_TOKENS}`, description: 'TGI extension; logprobs wins.' }),
    ),
    watermark: Nullable(Type.Boolean({ description: 'TGI extension; only false is accepted (422 otherwise).' })),
    decoder_input_details: Nullable(Type.Boolean({ description: 'TGI extension; only false is accepted (422 otherwise).' })),
  },
  { title: 'CompletionRequest' },
);
export type CompletionRequest = Static<typeof CompletionRequest>;

// ---------------------------------------------------------------------------------------------
// Responses

export const OpenAIFinishReason = Type.Enum(['stop', 'length', 'tool_calls'], { title: 'OpenAIFinishReason' });
export type OpenAIFinishReason = Static<typeof OpenAIFinishReason>;

export const Usage = Type.Object(
  { prompt_tokens: Type.Integer({ minimum: 0 }), completion_tokens: Type.Integer({ minimum: 0 }), total_tokens: Type.Integer({ minimum: 0 }) },
  { title: 'Usage' },
);
export type Usage = Static<typeof Usage>;

const TopLogprob = Type.Object({
  token: Type.String(),
  logprob: Type.Number(),
  bytes: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
});

export const ChatTokenLogprob = Type.Object(
  {
    token: Type.String(),
    logprob: Type.Number(),
    bytes: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
    top_logprobs: Type.Array(TopLogprob),
  },
  { title: 'ChatTokenLogprob' },
);
export type ChatTokenLogprob = Static<typeof ChatTokenLogprob>;

export const ChatLogprobs = Type.Object({ content: Type.Union([Type.Array(ChatTokenLogprob), Type.Null()]) }, { title: 'ChatLogprobs' });
export type ChatLogprobs = Static<typeof ChatLogprobs>;

const Common = {
  id: Type.String(),
  created: Type.Integer({ description: 'Unix time in seconds.' }),
  model: Type.String({ description: 'The loaded model.' }),
  system_fingerprint: Type.String(),
};

export const ChatCompletion = Type.Object(
  {
    ...Common,
    object: Type.Literal('chat.completion'),
    choices: Type.Array(
      Type.Object({
        index: Type.Integer(),
        message: Type.Object({
          role: Type.Literal('assistant'),
          content: Type.Union([Type.String(), Type.Null()], { description: 'null when the reply is tool calls.' }),
          refusal: Type.Null(),
          tool_calls: Type.Optional(Type.Array(ToolCallObject)),
        }),
        logprobs: Type.Union([ChatLogprobs, Type.Null()]),
        finish_reason: OpenAIFinishReason,
      }),
    ),
    usage: Usage,
  },
  { title: 'ChatCompletion' },
);
export type ChatCompletion = Static<typeof ChatCompletion>;

export const ChatCompletionChunk = Type.Object(
  {
    ...Common,
    object: Type.Literal('chat.completion.chunk'),
    choices: Type.Array(
      Type.Object({
        index: Type.Integer(),
        delta: Type.Object({
          role: Type.Optional(Type.Literal('assistant')),
          content: Type.Optional(Type.String()),
          tool_calls: Type.Optional(
            Type.Array(
              Type.Object({
                index: Type.Integer(),
                id: Type.Optional(Type.String()),
                type: Type.Optional(Type.Literal('function')),
                function: Type.Object({ name: Type.Optional(Type.String()), arguments: Type.String() }),
              }),
              { description: "A call's first delta carries its id, type and name; later ones, fragments of its arguments." },
            ),
          ),
        }),
        logprobs: Type.Union([ChatLogprobs, Type.Null()]),
        finish_reason: Type.Union([OpenAIFinishReason, Type.Null()]),
      }),
      { description: 'Empty in the usage chunk.' },
    ),
    usage: Type.Optional(Type.Union([Usage, Type.Null()], { description: 'With stream_options.include_usage: null, except in the last chunk.' })),
  },
  { title: 'ChatCompletionChunk' },
);
export type ChatCompletionChunk = Static<typeof ChatCompletionChunk>;

export const CompletionLogprobs = Type.Object(
  {
    tokens: Type.Array(Type.String()),
    token_logprobs: Type.Array(Type.Union([Type.Number(), Type.Null()])),
    top_logprobs: Type.Union([Type.Array(Type.Record(Type.String(), Type.Number())), Type.Null()]),
    text_offset: Type.Array(Type.Integer()),
  },
  { title: 'CompletionLogprobs' },
);
export type CompletionLogprobs = Static<typeof CompletionLogprobs>;

const CompletionChoice = Type.Object({
  index: Type.Integer(),
  text: Type.String(),
  logprobs: Type.Union([CompletionLogprobs, Type.Null()]),
  finish_reason: Type.Union([OpenAIFinishReason, Type.Null()]),
});

export const Completion = Type.Object(
  { ...Common, object: Type.Literal('text_completion'), choices: Type.Array(CompletionChoice), usage: Usage },
  { title: 'Completion' },
);
export type Completion = Static<typeof Completion>;

export const CompletionChunk = Type.Object(
  {
    ...Common,
    object: Type.Literal('text_completion'),
    choices: Type.Array(CompletionChoice),
    usage: Type.Optional(Type.Union([Usage, Type.Null()])),
    // TGI's stream fields, so @huggingface/inference's textGenerationStream (which reads /v1/completions
    // from 4.13.17 on) gets the `token` and `generated_text` its callers read. OpenAI clients ignore them.
    index: Type.Optional(Type.Integer({ minimum: 1, description: 'TGI: the generated token this chunk is for, from 1.' })),
    token: Type.Optional(
      Type.Object({ id: Type.Integer(), text: Type.String(), logprob: Type.Union([Type.Number(), Type.Null()]), special: Type.Boolean() }, { description: 'TGI: the raw token.' }),
    ),
    generated_text: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'TGI: the whole text, in the last chunk.' })),
    details: Type.Optional(
      Type.Union([
        Type.Object({
          finish_reason: Type.Enum(['length', 'eos_token', 'stop_sequence']),
          generated_tokens: Type.Integer(),
          seed: Type.Union([Type.Integer(), Type.Null()]),
          input_length: Type.Integer(),
        }),
        Type.Null(),
      ]),
    ),
  },
  { title: 'CompletionChunk' },
);
export type CompletionChunk = Static<typeof CompletionChunk>;

export const EmbeddingRequest = Type.Object(
  {
    input: Type.Union(
      [
        Type.String({ minLength: 1, maxLength: 1_000_000, errorMessage: '`input` must be a non-empty string or an array of up to 2048 non-empty strings' }),
        Type.Array(Type.String({ minLength: 1, maxLength: 1_000_000 }), { minItems: 1, maxItems: 2048 }),
        Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 100_000, errorMessage: '`input` as token ids is not supported: send the text' }),
      ],
      { description: 'A text or texts. Token-id arrays are refused (422): send the text.' },
    ),
    model: Nullable(Model),
    encoding_format: Nullable(Type.Enum(['float', 'base64'], { errorMessage: '`encoding_format` must be "float" or "base64"', description: 'base64: little-endian float32.' })),
    dimensions: Nullable(Type.Integer({ minimum: 1, description: 'Only the model\'s own size is accepted: Brook does not shorten embeddings (422 otherwise).' })),
    user: Type.Optional(Type.String({ description: 'Accepted for compatibility; ignored.' })),
  },
  { title: 'EmbeddingRequest' },
);
export type EmbeddingRequest = Static<typeof EmbeddingRequest>;

export const EmbeddingResponse = Type.Object(
  {
    object: Type.Literal('list'),
    data: Type.Array(
      Type.Object({
        object: Type.Literal('embedding'),
        index: Type.Integer(),
        embedding: Type.Union([Type.Array(Type.Number()), Type.String()], { description: 'Floats, or base64 of little-endian float32.' }),
      }),
    ),
    model: Type.String(),
    usage: Type.Object({ prompt_tokens: Type.Integer({ minimum: 0 }), total_tokens: Type.Integer({ minimum: 0 }) }),
  },
  { title: 'EmbeddingResponse' },
);
export type EmbeddingResponse = Static<typeof EmbeddingResponse>;

export const ModelObject = Type.Object(
  { id: Type.String(), object: Type.Literal('model'), created: Type.Integer(), owned_by: Type.String() },
  { title: 'Model' },
);
export type ModelObject = Static<typeof ModelObject>;

export const ModelList = Type.Object({ object: Type.Literal('list'), data: Type.Array(ModelObject) }, { title: 'ModelList' });
export type ModelList = Static<typeof ModelList>;

/**
 * Errors on the /v1 routes use OpenAI's nested shape. The `openai` clients read `body.error.message`
 * (a flat `{"error": "..."}` would reach users JSON-quoted, with no type or code), and
 * @huggingface/inference reads `error.message` too when `error` is an object. `type` is Brook's
 * error type (the same words as `error_type` on the TGI routes: validation, overloaded, ...).
 */
export const OpenAIErrorResponse = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      type: Type.String({ description: "Brook's error type: validation, overloaded, generation, incomplete_generation, unauthorized, ..." }),
      param: Type.Union([Type.String(), Type.Null()], { description: 'The request field at fault, if one is.' }),
      code: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  { title: 'OpenAIErrorResponse' },
);
export type OpenAIErrorResponse = Static<typeof OpenAIErrorResponse>;
