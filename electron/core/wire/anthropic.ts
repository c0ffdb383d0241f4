// Anthropic's Messages API as served on /v1/messages (what the `anthropic` SDKs and Claude Code send).
// As in openai.ts, each schema is the single source of the runtime validation, the TypeScript type and the
// OpenAPI document. Unknown fields are ignored; fields Anthropic defines that Brook does not honour are
// declared here so /openapi.json lists them, and refused in words by protocols/anthropic/anthropicRequest.ts.
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { MAX_STOP_SEQUENCES } from './tgi.js';

// ---------------------------------------------------------------------------------------------
// Requests

/**
 * A content block as sent. Only `text` blocks are read; the others are listed so the route can say why it
 * refuses them (an image, a tool result, …) instead of a schema error about a union.
 */
export const AnthropicContentBlockParam = Type.Object(
  {
    type: Type.String({ description: '"text", "tool_use" (assistant) and "tool_result" (user) are read; others are refused: the model reads text only.' }),
    text: Type.Optional(Type.String({ maxLength: 1_000_000, errorMessage: '`text` of a text block must be a string' })),
    // tool_use
    id: Type.Optional(Type.String({ description: 'tool_use: the call id, which its tool_result names.' })),
    name: Type.Optional(Type.String({ description: 'tool_use: the tool called.' })),
    input: Type.Optional(Type.Unknown({ description: 'tool_use: the arguments object.' })),
    // tool_result
    tool_use_id: Type.Optional(Type.String({ description: 'tool_result: the id of the tool_use it answers.' })),
    content: Type.Optional(
      Type.Union([Type.String({ maxLength: 1_000_000 }), Type.Array(Type.Object({ type: Type.String(), text: Type.Optional(Type.String()) }), { maxItems: 10_000 })], {
        description: 'tool_result: the result, as text or text blocks.',
      }),
    ),
    is_error: Type.Optional(Type.Boolean({ description: 'tool_result: the call failed; the model is told so.' })),
    cache_control: Type.Optional(Type.Unknown({ description: 'Accepted; Brook reuses cached prompt prefixes on its own.' })),
  },
  { title: 'AnthropicContentBlockParam' },
);
export type AnthropicContentBlockParam = Static<typeof AnthropicContentBlockParam>;

const Content = Type.Union(
  [
    Type.String({ maxLength: 1_000_000, errorMessage: '`content` must be a string or an array of {"type": "text", "text": "..."} blocks' }),
    Type.Array(AnthropicContentBlockParam, { maxItems: 10_000 }),
  ],
  { description: 'Text, or text blocks (joined).' },
);

export const AnthropicMessageParam = Type.Object(
  {
    role: Type.Enum(['user', 'assistant'], { errorMessage: '`role` must be "user" or "assistant" (the system prompt goes in the top-level `system` field)' }),
    content: Content,
  },
  { title: 'AnthropicMessageParam' },
);
export type AnthropicMessageParam = Static<typeof AnthropicMessageParam>;

const NotHonoured = (description: string) => Type.Optional(Type.Unknown({ description }));

/** The fields /v1/messages and /v1/messages/count_tokens share. */
const PromptFields = {
  model: Type.String({ description: 'Accepted and ignored: Brook serves the one loaded model, whose id the response reports.' }),
  messages: Type.Array(AnthropicMessageParam, { minItems: 1, maxItems: 10_000, errorMessage: '`messages` must have at least one message' }),
  system: Nullable(
    Type.Union(
      [
        Type.String({ maxLength: 1_000_000, errorMessage: '`system` must be a string or an array of {"type": "text", "text": "..."} blocks' }),
        Type.Array(AnthropicContentBlockParam, { maxItems: 10_000 }),
      ],
      { description: 'The system prompt, put first through the chat template.' },
    ),
  ),
  tools: Nullable(
    Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1, maxLength: 128, errorMessage: '`name` of a tool must be a non-empty string' }),
        description: Type.Optional(Type.String()),
        input_schema: Type.Optional(Type.Unknown({ description: "The JSON Schema of the tool's input object; calls always satisfy it (grammar-constrained decoding)." })),
        type: Type.Optional(Type.String({ description: '"custom" or left out; server tools (web search, bash, …) are refused.' })),
        cache_control: Type.Optional(Type.Unknown()),
      }),
      { maxItems: 128, errorMessage: '`tools` must be an array of up to 128 tools' },
    ),
  ),
  tool_choice: Nullable(
    Type.Object({
      type: Type.Enum(['auto', 'any', 'tool', 'none'], { errorMessage: '`tool_choice.type` must be "auto", "any", "tool" or "none"' }),
      name: Type.Optional(Type.String({ description: 'With "tool": the tool to call.' })),
      disable_parallel_tool_use: Type.Optional(Type.Boolean({ description: 'At most one call per reply.' })),
    }),
  ),
  thinking: NotHonoured('Refused unless {"type": "disabled"}: the model has no extended thinking.'),
  output_config: Nullable(
    Type.Object({
      format: Nullable(Type.Object({ type: Type.Literal('json_schema', { errorMessage: '`output_config.format.type` must be "json_schema"' }), schema: Type.Unknown() })),
      effort: NotHonoured('Refused: the model has no effort levels.'),
    }),
  ),
  output_format: Nullable(
    Type.Object(
      { type: Type.Literal('json_schema', { errorMessage: '`output_format.type` must be "json_schema"' }), schema: Type.Unknown() },
      { description: 'The older name of `output_config.format`.' },
    ),
  ),
  mcp_servers: NotHonoured('Refused: Brook does not connect to MCP servers.'),
  container: NotHonoured('Refused: Brook has no code-execution containers.'),
  context_management: NotHonoured('Refused: Brook does not edit the context.'),
  diagnostics: NotHonoured('Refused: Brook does not report prompt-cache diagnostics.'),
  inference_geo: NotHonoured('Refused: inference runs on this machine.'),
  speed: Nullable(Type.Literal('standard', { errorMessage: '`speed` must be "standard": Brook has one speed' })),
  cache_control: NotHonoured('Accepted; Brook reuses cached prompt prefixes on its own.'),
  user_profile_id: Nullable(Type.String({ description: 'Accepted; Brook keeps no record of users.' })),
  workspace_id: Nullable(Type.String({ description: 'Accepted; Brook has no workspaces.' })),
};

export const AnthropicMessagesRequest = Type.Object(
  {
    ...PromptFields,
    max_tokens: Type.Integer({ minimum: 1, errorMessage: '`max_tokens` must be an integer >= 1' }),
    stop_sequences: Nullable(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: MAX_STOP_SEQUENCES,
        errorMessage: `\`stop_sequences\` must be an array of up to ${MAX_STOP_SEQUENCES} non-empty strings`,
        description: 'Generation stops before the first of these; the response names it in `stop_sequence`.',
      }),
    ),
    temperature: Nullable(
      Type.Number({ minimum: 0, maximum: 1, errorMessage: '`temperature` must be >= 0 and <= 1', description: '0 is greedy decoding (repeatable); defaults to 1.' }),
    ),
    top_p: Nullable(Type.Number({ minimum: 0, maximum: 1, errorMessage: '`top_p` must be >= 0 and <= 1' })),
    top_k: Nullable(Type.Integer({ minimum: 1, errorMessage: '`top_k` must be an integer >= 1' })),
    stream: Nullable(Type.Boolean({ default: false })),
    metadata: Nullable(Type.Object({ user_id: Nullable(Type.String()) }, { description: 'Accepted; Brook keeps no record of users.' })),
    service_tier: Nullable(Type.Enum(['auto', 'standard_only'], { description: 'Accepted: every request gets the one tier Brook has.' })),
  },
  { title: 'AnthropicMessagesRequest' },
);
export type AnthropicMessagesRequest = Static<typeof AnthropicMessagesRequest>;

export const AnthropicCountTokensRequest = Type.Object(PromptFields, { title: 'AnthropicCountTokensRequest' });
export type AnthropicCountTokensRequest = Static<typeof AnthropicCountTokensRequest>;

// ---------------------------------------------------------------------------------------------
// Responses

export const AnthropicStopReason = Type.Enum(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'model_context_window_exceeded'], {
  title: 'AnthropicStopReason',
  description: 'model_context_window_exceeded: the reply filled the context before max_tokens.',
});
export type AnthropicStopReason = Static<typeof AnthropicStopReason>;

export const AnthropicUsage = Type.Object(
  { input_tokens: Type.Integer({ minimum: 0 }), output_tokens: Type.Integer({ minimum: 0 }) },
  { title: 'AnthropicUsage' },
);
export type AnthropicUsage = Static<typeof AnthropicUsage>;

export const AnthropicTextBlock = Type.Object({ type: Type.Literal('text'), text: Type.String() }, { title: 'AnthropicTextBlock' });
export type AnthropicTextBlock = Static<typeof AnthropicTextBlock>;

export const AnthropicToolUseBlock = Type.Object(
  { type: Type.Literal('tool_use'), id: Type.String(), name: Type.String(), input: Type.Record(Type.String(), Type.Unknown()) },
  { title: 'AnthropicToolUseBlock' },
);
export type AnthropicToolUseBlock = Static<typeof AnthropicToolUseBlock>;

export const AnthropicContentBlock = Type.Union([AnthropicTextBlock, AnthropicToolUseBlock], { title: 'AnthropicContentBlock' });
export type AnthropicContentBlock = Static<typeof AnthropicContentBlock>;

export const AnthropicMessage = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('message'),
    role: Type.Literal('assistant'),
    model: Type.String({ description: 'The loaded model.' }),
    content: Type.Array(AnthropicContentBlock),
    stop_reason: Type.Union([AnthropicStopReason, Type.Null()], { description: 'null only in `message_start`.' }),
    stop_sequence: Type.Union([Type.String(), Type.Null()]),
    usage: AnthropicUsage,
  },
  { title: 'AnthropicMessage' },
);
export type AnthropicMessage = Static<typeof AnthropicMessage>;

/** The `data` of each event of a stream; the SSE event name equals `type`. */
export const AnthropicStreamEvent = Type.Union(
  [
    Type.Object({ type: Type.Literal('message_start'), message: AnthropicMessage }),
    Type.Object({ type: Type.Literal('content_block_start'), index: Type.Integer(), content_block: AnthropicContentBlock }),
    Type.Object({ type: Type.Literal('ping') }),
    Type.Object({
      type: Type.Literal('content_block_delta'),
      index: Type.Integer(),
      delta: Type.Union([
        Type.Object({ type: Type.Literal('text_delta'), text: Type.String() }),
        Type.Object({ type: Type.Literal('input_json_delta'), partial_json: Type.String({ description: "A fragment of a tool_use block's input JSON." }) }),
      ]),
    }),
    Type.Object({ type: Type.Literal('content_block_stop'), index: Type.Integer() }),
    Type.Object({
      type: Type.Literal('message_delta'),
      delta: Type.Object({ stop_reason: AnthropicStopReason, stop_sequence: Type.Union([Type.String(), Type.Null()]) }),
      usage: AnthropicUsage,
    }),
    Type.Object({ type: Type.Literal('message_stop') }),
  ],
  { title: 'AnthropicStreamEvent' },
);
export type AnthropicStreamEvent = Static<typeof AnthropicStreamEvent>;

export const AnthropicTokensCount = Type.Object({ input_tokens: Type.Integer({ minimum: 0 }) }, { title: 'AnthropicTokensCount' });
export type AnthropicTokensCount = Static<typeof AnthropicTokensCount>;

/**
 * Anthropic's error shape. `error.type` is Anthropic's word (invalid_request_error, authentication_error,
 * rate_limit_error, api_error, …); the SDKs pick their exception class from the HTTP status.
 */
export const AnthropicErrorResponse = Type.Object(
  {
    type: Type.Literal('error'),
    error: Type.Object({ type: Type.String(), message: Type.String() }),
  },
  { title: 'AnthropicErrorResponse' },
);
export type AnthropicErrorResponse = Static<typeof AnthropicErrorResponse>;
