// The TGI wire types. Each schema is the single source of the runtime validation (see validator.ts),
// the TypeScript type (Static) and the OpenAPI document. Limits that depend on the loaded model
// (max total tokens) are checked by the engine; everything checkable from the request alone lives here.
import { Type, type Static } from 'typebox';
import { CHAT_SETTING_LIMITS } from './chatSettingsRules.js';
import { Nullable } from './nullable.js';

/** TGI's fixed limits; /info reports them. */
export const MAX_STOP_SEQUENCES = 4;
export const MAX_TOP_N_TOKENS = 5;
export const MAX_BEST_OF = 1;

/** TGI's `grammar` parameter: the output follows a JSON Schema or matches a regular expression (grammar-constrained). */
export const GrammarType = Type.Union(
  [
    Type.Object({
      type: Type.Literal('json'),
      value: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String()], { description: 'A JSON Schema (an object, or its JSON text).' }),
    }),
    Type.Object({ type: Type.Literal('regex'), value: Type.String({ minLength: 1, maxLength: 10_000 }) }),
    Type.Object({
      type: Type.Literal('json_schema'),
      value: Type.Object({ name: Type.Optional(Nullable(Type.String())), schema: Type.Record(Type.String(), Type.Unknown()) }),
    }),
  ],
  {
    title: 'GrammarType',
    errorMessage: '`grammar` must be {"type": "json", "value": <JSON Schema>}, {"type": "regex", "value": "<pattern>"} or {"type": "json_schema", "value": {"schema": <JSON Schema>}}',
    description: 'Enforced by grammar-constrained decoding; what Brook cannot enforce gets 422 naming it.',
  },
);
export type GrammarType = Static<typeof GrammarType>;

const MIN_P = CHAT_SETTING_LIMITS.min_p;

/**
 * llama.cpp's min-p, a Brook extension on every protocol that has no min-p of its own (as llama-server and
 * vLLM accept it); `field` is how the protocol's errors name it.
 */
export const MinP = (field = '`min_p`') =>
  Type.Number({
    minimum: MIN_P.min,
    exclusiveMaximum: MIN_P.max,
    errorMessage: `${field} must be >= ${MIN_P.min.toFixed(1)} and < ${MIN_P.max.toFixed(1)}`,
    description:
      'Brook/llama.cpp extension (min-p sampling): keep only the tokens at least this fraction as likely as the most likely one. 0 is off; above 0 it samples, as top_p does.',
  });

export const GenerateParameters = Type.Object(
  {
    best_of: Nullable(
      Type.Integer({ minimum: 1, maximum: MAX_BEST_OF, errorMessage: `\`best_of\` must be 1: Brook generates one sequence per request` }),
    ),
    decoder_input_details: Type.Optional(Type.Boolean({ default: false, description: 'Only false is accepted: Brook returns no prefill details (422 otherwise).' })),
    details: Type.Optional(Type.Boolean({ default: false, description: 'Return generation details (finish reason, token counts, seed).' })),
    do_sample: Type.Optional(Type.Boolean({ default: false, description: 'Sample instead of greedy decoding. Setting temperature, top_k, top_p or typical_p also samples, as in TGI (and min_p above 0).' })),
    frequency_penalty: Nullable(
      Type.Number({ minimum: -2, maximum: 2, errorMessage: '`frequency_penalty` must be >= -2.0 and <= 2.0' }),
    ),
    grammar: Nullable(GrammarType),
    max_new_tokens: Nullable(
      Type.Integer({ minimum: 1, errorMessage: '`max_new_tokens` must be strictly positive', description: 'Defaults to what fits in the context, at most 1024.' }),
    ),
    min_p: Nullable(MinP()),
    repetition_penalty: Nullable(
      Type.Number({ exclusiveMinimum: 0, errorMessage: '`repetition_penalty` must be strictly positive' }),
    ),
    return_full_text: Nullable(Type.Boolean({ description: 'Prepend the prompt to generated_text.' })),
    seed: Nullable(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, errorMessage: '`seed` must be an integer >= 0 and < 2^32' })),
    stop: Nullable(
      Type.Array(Type.String({ minLength: 1, errorMessage: '`stop` sequences must not be empty' }), {
        maxItems: MAX_STOP_SEQUENCES,
        errorMessage: `\`stop\` supports up to ${MAX_STOP_SEQUENCES} stop sequences`,
      }),
    ),
    temperature: Nullable(Type.Number({ exclusiveMinimum: 0, errorMessage: '`temperature` must be strictly positive' })),
    top_k: Nullable(Type.Integer({ minimum: 1, errorMessage: '`top_k` must be strictly positive' })),
    top_n_tokens: Nullable(
      Type.Integer({ minimum: 0, maximum: MAX_TOP_N_TOKENS, errorMessage: `\`top_n_tokens\` must be >= 0 and <= ${MAX_TOP_N_TOKENS}` }),
    ),
    top_p: Nullable(
      Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, errorMessage: '`top_p` must be > 0.0 and < 1.0' }),
    ),
    truncate: Nullable(Type.Integer({ minimum: 1, errorMessage: '`truncate` must be strictly positive' })),
    typical_p: Nullable(
      Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, errorMessage: '`typical_p` must be > 0.0 and < 1.0' }),
    ),
    watermark: Type.Optional(Type.Boolean({ default: false, description: 'Only false is accepted: Brook does not watermark (422 otherwise).' })),
  },
  { title: 'GenerateParameters' },
);
export type GenerateParameters = Static<typeof GenerateParameters>;

const Inputs = Type.String({ minLength: 1, errorMessage: '`inputs` cannot be empty', description: 'The prompt, used as is (no chat template).' });

export const GenerateRequest = Type.Object({ inputs: Inputs, parameters: Type.Optional(GenerateParameters) }, { title: 'GenerateRequest' });
export type GenerateRequest = Static<typeof GenerateRequest>;

export const CompatGenerateRequest = Type.Object(
  { inputs: Inputs, parameters: Type.Optional(GenerateParameters), stream: Type.Optional(Type.Boolean({ default: false })) },
  { title: 'CompatGenerateRequest' },
);
export type CompatGenerateRequest = Static<typeof CompatGenerateRequest>;

export const FinishReason = Type.Union([Type.Literal('length'), Type.Literal('eos_token'), Type.Literal('stop_sequence')], { title: 'FinishReason' });
export type FinishReason = Static<typeof FinishReason>;

export const Token = Type.Object(
  {
    id: Type.Integer({ minimum: 0 }),
    text: Type.String({ description: 'Empty while the token ends inside a multi-byte character; the text arrives with a later token.' }),
    logprob: Type.Union([Type.Number(), Type.Null()]),
    special: Type.Boolean(),
  },
  { title: 'Token' },
);
export type Token = Static<typeof Token>;

export const StreamDetails = Type.Object(
  {
    finish_reason: FinishReason,
    generated_tokens: Type.Integer({ minimum: 0 }),
    seed: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    input_length: Type.Integer({ minimum: 0 }),
  },
  { title: 'StreamDetails' },
);
export type StreamDetails = Static<typeof StreamDetails>;

export const StreamResponse = Type.Object(
  {
    index: Type.Integer({ minimum: 1 }),
    token: Token,
    top_tokens: Type.Optional(Type.Array(Token)),
    generated_text: Type.Union([Type.String(), Type.Null()]),
    details: Type.Union([StreamDetails, Type.Null()]),
  },
  { title: 'StreamResponse' },
);
export type StreamResponse = Static<typeof StreamResponse>;

export const Details = Type.Object(
  {
    finish_reason: FinishReason,
    generated_tokens: Type.Integer({ minimum: 0 }),
    seed: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    prefill: Type.Array(Type.Object({ id: Type.Integer(), text: Type.String(), logprob: Type.Union([Type.Number(), Type.Null()]) })),
    tokens: Type.Array(Token),
    top_tokens: Type.Optional(Type.Array(Type.Array(Token))),
  },
  { title: 'Details' },
);
export type Details = Static<typeof Details>;

export const GenerateResponse = Type.Object(
  { generated_text: Type.String(), details: Type.Optional(Type.Union([Details, Type.Null()])) },
  { title: 'GenerateResponse' },
);
export type GenerateResponse = Static<typeof GenerateResponse>;

export const CompatGenerateResponse = Type.Array(GenerateResponse, { title: 'CompatGenerateResponse' });

export const Info = Type.Object(
  {
    model_id: Type.String(),
    model_sha: Type.Union([Type.String(), Type.Null()]),
    model_pipeline_tag: Type.Union([Type.String(), Type.Null()]),
    max_concurrent_requests: Type.Integer(),
    max_best_of: Type.Integer(),
    max_stop_sequences: Type.Integer(),
    max_input_tokens: Type.Integer(),
    max_total_tokens: Type.Integer(),
    validation_workers: Type.Integer(),
    max_client_batch_size: Type.Integer(),
    router: Type.String(),
    version: Type.String(),
    sha: Type.Union([Type.String(), Type.Null()]),
    docker_label: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Info' },
);
export type Info = Static<typeof Info>;

export const TokenizeRequest = GenerateRequest;
export const SimpleToken = Type.Object(
  { id: Type.Integer(), text: Type.String(), start: Type.Integer({ minimum: 0 }), stop: Type.Integer({ minimum: 0 }) },
  { title: 'SimpleToken' },
);
export type SimpleToken = Static<typeof SimpleToken>;
export const TokenizeResponse = Type.Array(SimpleToken, { title: 'TokenizeResponse' });
export type TokenizeResponse = Static<typeof TokenizeResponse>;

export const ErrorResponse = Type.Object({ error: Type.String(), error_type: Type.String() }, { title: 'ErrorResponse' });
export type ErrorResponse = Static<typeof ErrorResponse>;
