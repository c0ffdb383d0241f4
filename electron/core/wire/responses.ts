// OpenAI's Responses API as served on /v1/responses, statelessly (what `openai`'s responses.create, the AI
// SDK's default `openai(...)` provider and Codex send). As in openai.ts, each schema is the single source of the
// runtime validation, the TypeScript type and the OpenAPI document. Unknown fields are ignored; fields the API
// defines that Brook does not honour are declared so /openapi.json lists them, and refused in words by
// protocols/responses/responsesRequest.ts.
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';

// ---------------------------------------------------------------------------------------------
// Requests

/** A content part as sent: text parts are read; images, files and audio are refused with the reason. */
export const ResponsesContentPart = Type.Object(
  {
    type: Type.String({ description: '"input_text" or "output_text" are read; others are refused (the model reads text only).' }),
    text: Type.Optional(Type.String({ maxLength: 1_000_000, errorMessage: '`text` of a text part must be a string' })),
  },
  { title: 'ResponsesContentPart' },
);
export type ResponsesContentPart = Static<typeof ResponsesContentPart>;

/**
 * An input item as sent. Messages (`type` "message" or left out), function calls and their outputs are read;
 * item references need stored responses, and are refused with the reason, as are other item types.
 */
export const ResponsesInputItem = Type.Object(
  {
    type: Type.Optional(Type.String({ description: '"message" (the default), "function_call" or "function_call_output"; others are refused.' })),
    role: Type.Optional(
      Type.Enum(['user', 'assistant', 'system', 'developer'], { errorMessage: '`role` must be "user", "assistant", "system" or "developer"', description: '"developer" is read as "system".' }),
    ),
    content: Type.Optional(
      Type.Union(
        [
          Type.String({ maxLength: 1_000_000, errorMessage: '`content` must be a string or an array of {"type": "input_text", "text": "..."} parts' }),
          Type.Array(ResponsesContentPart, { maxItems: 10_000 }),
        ],
        { description: 'Text, or text parts (joined).' },
      ),
    ),
    call_id: Type.Optional(Type.String({ description: 'function_call and function_call_output: the call.' })),
    name: Type.Optional(Type.String({ description: 'function_call: the function called.' })),
    arguments: Type.Optional(Type.String({ description: 'function_call: the arguments as JSON text.' })),
    output: Type.Optional(
      Type.Union([Type.String({ maxLength: 1_000_000 }), Type.Array(ResponsesContentPart, { maxItems: 10_000 })], { description: "function_call_output: the function's result." }),
    ),
  },
  { title: 'ResponsesInputItem' },
);
export type ResponsesInputItem = Static<typeof ResponsesInputItem>;

const NotHonoured = (description: string) => Type.Optional(Type.Unknown({ description }));

export const ResponsesRequest = Type.Object(
  {
    model: Nullable(Type.String({ description: 'Accepted and ignored: Brook serves the one loaded model, whose id the response reports.' })),
    input: Type.Union(
      [
        Type.String({ minLength: 1, maxLength: 1_000_000, errorMessage: '`input` must be a non-empty string or an array of input items' }),
        Type.Array(ResponsesInputItem, { minItems: 1, maxItems: 10_000 }),
      ],
      { description: "The user's text, or the conversation as message items, through the model's chat template." },
    ),
    instructions: Nullable(Type.String({ maxLength: 1_000_000, description: 'A system message put first.' })),
    max_output_tokens: Nullable(Type.Integer({ minimum: 1, errorMessage: '`max_output_tokens` must be an integer >= 1' })),
    temperature: Nullable(
      Type.Number({ minimum: 0, maximum: 2, errorMessage: '`temperature` must be >= 0 and <= 2', description: '0 is greedy decoding (repeatable); defaults to 1.' }),
    ),
    top_p: Nullable(Type.Number({ minimum: 0, maximum: 1, errorMessage: '`top_p` must be >= 0 and <= 1' })),
    stream: Nullable(Type.Boolean({ default: false })),
    stream_options: Nullable(Type.Object({ include_obfuscation: Nullable(Type.Boolean({ description: 'Accepted: Brook never pads its events.' })) })),
    store: Nullable(Type.Boolean({ description: 'Accepted; Brook stores no responses, and every response says `store: false`.' })),
    metadata: Nullable(Type.Record(Type.String(), Type.String(), { description: 'Returned in the response as given.' })),
    user: Nullable(Type.String({ description: 'Accepted; Brook keeps no record of users.' })),
    safety_identifier: Nullable(Type.String({ description: 'Accepted; Brook keeps no record of users.' })),
    prompt_cache_key: Nullable(Type.String({ description: 'Accepted; Brook reuses cached prompt prefixes on its own.' })),
    prompt_cache_retention: NotHonoured('Accepted; cached prefixes live as long as their sequence is not reused.'),
    service_tier: Nullable(Type.Enum(['auto', 'default'], { errorMessage: '`service_tier` must be "auto" or "default": Brook has one tier' })),
    parallel_tool_calls: Nullable(Type.Boolean({ description: 'false: at most one call per reply.' })),
    truncation: Nullable(Type.Literal('disabled', { errorMessage: '`truncation` must be "disabled": Brook refuses an input too long for the context rather than dropping part of it' })),
    previous_response_id: NotHonoured('Refused: Brook stores no responses. Send the whole conversation in `input`.'),
    conversation: NotHonoured('Refused: Brook stores no conversations. Send the whole conversation in `input`.'),
    background: NotHonoured('Refused unless false: Brook answers in the foreground.'),
    prompt: NotHonoured('Refused: Brook has no stored prompt templates.'),
    tools: Nullable(
      Type.Array(
        Type.Object({
          type: Type.String({ description: '"function"; built-in tools (web search, file search, …) are refused.' }),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          description: Nullable(Type.String()),
          parameters: Nullable(Type.Unknown({ description: "The JSON Schema of the function's arguments; calls always satisfy it (grammar-constrained decoding)." })),
          strict: Nullable(Type.Boolean({ description: 'Accepted: calls always follow the schema.' })),
        }),
        { maxItems: 128, errorMessage: '`tools` must be an array of up to 128 tools' },
      ),
    ),
    tool_choice: Nullable(
      Type.Union([
        Type.Enum(['none', 'auto', 'required'], { errorMessage: '`tool_choice` must be "none", "auto", "required" or {"type": "function", "name": "..."}' }),
        Type.Object({ type: Type.String(), name: Type.Optional(Type.String()) }),
      ]),
    ),
    max_tool_calls: NotHonoured('Refused: use `parallel_tool_calls: false` for at most one call.'),
    text: Nullable(
      Type.Object({
        format: Nullable(
          Type.Object({
            type: Type.Enum(['text', 'json_schema', 'json_object'], { errorMessage: '`text.format.type` must be "text", "json_schema" or "json_object"' }),
            name: Type.Optional(Type.String()),
            description: Type.Optional(Type.String()),
            schema: Type.Optional(Type.Unknown({ description: 'json_schema: the schema the output always satisfies (grammar-constrained decoding).' })),
            strict: Nullable(Type.Boolean({ description: 'Accepted: the output always follows the schema.' })),
          }),
        ),
        verbosity: NotHonoured('Refused: the model does not adjust its length on request.'),
      }),
    ),
    reasoning: NotHonoured('Refused unless empty: the model does not reason.'),
    include: NotHonoured('Refused unless empty: nothing more can be included.'),
    top_logprobs: NotHonoured('Refused unless 0: log probabilities are not returned on this route.'),
    context_management: NotHonoured('Refused: Brook does not edit the context.'),
    moderation: NotHonoured('Refused: Brook does not moderate.'),
    prompt_cache_options: NotHonoured('Accepted; Brook reuses cached prompt prefixes on its own.'),
  },
  { title: 'ResponsesRequest' },
);
export type ResponsesRequest = Static<typeof ResponsesRequest>;

// ---------------------------------------------------------------------------------------------
// Responses

export const ResponsesOutputText = Type.Object(
  { type: Type.Literal('output_text'), text: Type.String(), annotations: Type.Array(Type.Unknown()), logprobs: Type.Array(Type.Unknown()) },
  { title: 'ResponsesOutputText' },
);
export type ResponsesOutputText = Static<typeof ResponsesOutputText>;

const ItemStatus = Type.Enum(['in_progress', 'completed', 'incomplete']);

export const ResponsesOutputMessage = Type.Object(
  { type: Type.Literal('message'), id: Type.String(), status: ItemStatus, role: Type.Literal('assistant'), content: Type.Array(ResponsesOutputText) },
  { title: 'ResponsesOutputMessage' },
);
export type ResponsesOutputMessage = Static<typeof ResponsesOutputMessage>;

export const ResponsesFunctionCall = Type.Object(
  { type: Type.Literal('function_call'), id: Type.String(), call_id: Type.String(), name: Type.String(), arguments: Type.String({ description: 'JSON text.' }), status: ItemStatus },
  { title: 'ResponsesFunctionCall' },
);
export type ResponsesFunctionCall = Static<typeof ResponsesFunctionCall>;

export const ResponsesOutputItem = Type.Union([ResponsesOutputMessage, ResponsesFunctionCall], { title: 'ResponsesOutputItem' });
export type ResponsesOutputItem = Static<typeof ResponsesOutputItem>;

export const ResponsesUsage = Type.Object(
  {
    input_tokens: Type.Integer({ minimum: 0 }),
    input_tokens_details: Type.Object({ cached_tokens: Type.Integer({ minimum: 0, description: 'Prompt tokens reused from the cache, not evaluated again.' }) }),
    output_tokens: Type.Integer({ minimum: 0 }),
    output_tokens_details: Type.Object({ reasoning_tokens: Type.Integer({ minimum: 0 }) }),
    total_tokens: Type.Integer({ minimum: 0 }),
  },
  { title: 'ResponsesUsage' },
);
export type ResponsesUsage = Static<typeof ResponsesUsage>;

const Nothing = Type.Null();

export const ResponsesResponse = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('response'),
    created_at: Type.Integer({ description: 'Unix time in seconds.' }),
    status: Type.Enum(['in_progress', 'completed', 'incomplete', 'failed']),
    completed_at: Type.Union([Type.Integer(), Nothing]),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Nothing]),
    incomplete_details: Type.Union([Type.Object({ reason: Type.Literal('max_output_tokens') }), Nothing]),
    instructions: Type.Union([Type.String(), Nothing]),
    max_output_tokens: Type.Union([Type.Integer(), Nothing]),
    model: Type.String({ description: 'The loaded model.' }),
    output: Type.Array(ResponsesOutputItem),
    parallel_tool_calls: Type.Boolean(),
    previous_response_id: Nothing,
    reasoning: Type.Object({ effort: Nothing, summary: Nothing }),
    store: Type.Literal(false),
    temperature: Type.Union([Type.Number(), Nothing]),
    text: Type.Object({ format: Type.Record(Type.String(), Type.Unknown(), { description: 'As asked; {"type": "text"} by default.' }) }),
    tool_choice: Type.Unknown({ description: 'As asked; "auto" by default.' }),
    tools: Type.Array(Type.Unknown(), { description: 'As asked.' }),
    top_p: Type.Union([Type.Number(), Nothing]),
    truncation: Type.Literal('disabled'),
    usage: Type.Union([ResponsesUsage, Nothing], { description: 'null until the response is complete.' }),
    user: Type.Union([Type.String(), Nothing]),
    metadata: Type.Record(Type.String(), Type.String()),
    service_tier: Type.Literal('default'),
  },
  { title: 'ResponsesResponse' },
);
export type ResponsesResponse = Static<typeof ResponsesResponse>;

/** The `data` of each event of a stream (its SSE event name is `type`); `sequence_number` counts from 0. */
export const ResponsesStreamEvent = Type.Object(
  {
    type: Type.String({
      description:
        'response.created, response.in_progress, then per output item: response.output_item.added, (a message) response.content_part.added, response.output_text.delta …, response.output_text.done, response.content_part.done, (a function call) response.function_call_arguments.delta …, response.function_call_arguments.done, then response.output_item.done; last response.completed (or response.incomplete at max_output_tokens); error on a failure after the stream began.',
    }),
    sequence_number: Type.Integer({ minimum: 0 }),
    response: Type.Optional(ResponsesResponse),
    output_index: Type.Optional(Type.Integer()),
    content_index: Type.Optional(Type.Integer()),
    item_id: Type.Optional(Type.String()),
    item: Type.Optional(ResponsesOutputItem),
    part: Type.Optional(ResponsesOutputText),
    delta: Type.Optional(Type.String({ description: 'Text, or a fragment of a call\'s arguments.' })),
    arguments: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    text: Type.Optional(Type.String()),
    logprobs: Type.Optional(Type.Array(Type.Unknown())),
  },
  { title: 'ResponsesStreamEvent' },
);
export type ResponsesStreamEvent = Static<typeof ResponsesStreamEvent>;
