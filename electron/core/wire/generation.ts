// What the pipeline gives every front door: the request it takes and the events it yields.
// The window receives these over IPC, the HTTP writers turn them into TGI or OpenAI frames.
import { Type, type Static } from 'typebox';
import type { FinishReason, GenerateParameters } from './tgi.js';

export const ChatRole = Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('assistant'), Type.Literal('tool')]);

/** A call the model made: `arguments` is the JSON text of the arguments object, as OpenAI carries it. */
export const ToolCall = Type.Object({
  id: Type.String(),
  name: Type.String(),
  arguments: Type.String(),
});
export type ToolCall = Static<typeof ToolCall>;

export const ChatMessage = Type.Object({
  role: ChatRole,
  content: Type.String({ maxLength: 1_000_000 }),
  /** Assistant turns: the calls it made (its `content` may be empty then). */
  toolCalls: Type.Optional(Type.Array(ToolCall)),
  /** Tool turns: the call this message is the result of (a `toolCalls[].id` of an earlier assistant turn). */
  toolCallId: Type.Optional(Type.String()),
});
export type ChatMessage = Static<typeof ChatMessage>;

/** Raw text is used as is (TGI); messages go through the model's chat template (window, OpenAI chat). */
export type Prompt =
  | { text: string }
  | {
      messages: ChatMessage[];
      /** The last message is the assistant's unfinished reply: it is continued, not closed and answered anew (Continue after Stop). */
      continueLast?: boolean;
    };

/** A JSON Schema (draft 2020-12 subset that engine/jsonSchemaGrammar.ts can enforce; others get 422 naming the keyword). */
export type JsonSchema = Record<string, unknown>;

/** A function the model may call; `parameters` is the JSON Schema its arguments object must satisfy. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: JsonSchema;
}

/**
 * How the reply is constrained, by grammar-constrained decoding: every token the model may pick keeps the
 * output valid, so even a tiny model's output always parses. Front doors build it from their protocol's
 * fields (OpenAI `response_format` / `tools`, TGI `grammar`, Ollama `format` / `tools`, ...).
 *
 * - `json`: one JSON value satisfying `schema`; `schema: null` means any JSON object (OpenAI `json_object`,
 *   Ollama `format: "json"`).
 * - `regex`: text matching the whole `pattern` (TGI `grammar: {type: "regex"}`).
 * - `tools`: `choice` 'required' or a tool's name: the reply IS one call (or, with `parallel`, one to four
 *   calls); 'auto': the model picks between plain text and calls. The generated text is the calls in the
 *   model's own template syntax (e.g. `||call: get_weather({"city": "Paris"})`); the engine reads it, token by
 *   token, into `TokenEvent.toolCallDeltas` and `EndEvent.toolCalls` (ids, names, arguments JSON text).
 *   With tool_choice "none", send neither `tools` nor a constraint: the model answers in text (calls and
 *   results already in the history are still rendered by the template).
 */
export type OutputConstraint =
  | { type: 'json'; schema: JsonSchema | null }
  | { type: 'regex'; pattern: string }
  | { type: 'tools'; choice: 'auto' | 'required' | { name: string }; parallel: boolean };

export interface GenerationRequest {
  prompt: Prompt;
  parameters: GenerateParameters;
  /** Shorten max_new_tokens to the room the prompt leaves instead of refusing (the window's chats). */
  fitMaxNewTokens?: boolean;
  /** Functions the model may call, described to it through its chat template (messages prompts only). */
  tools?: ToolDefinition[];
  /** Grammar the output must follow; none for free text. A `tools` constraint needs `tools`. */
  constraint?: OutputConstraint;
}

export interface GeneratedToken {
  id: number;
  /** '' while the token ends inside a multi-byte character; the text comes with a later token. */
  text: string;
  logprob: number | null;
  special: boolean;
}

/**
 * What a token of a `tools`-constrained generation adds to the reply, read as text and calls: text (auto
 * mode, when the model answers instead of calling), the start of a call (its id and name), or a fragment
 * of a call's arguments (the fragments of one call, joined, are its `arguments` JSON text).
 */
export type ToolCallDelta =
  | { type: 'text'; text: string }
  | { type: 'call'; index: number; id: string; name: string }
  | { type: 'arguments'; index: number; text: string };

export interface TokenEvent {
  type: 'token';
  /** 1 for the first generated token. */
  index: number;
  token: GeneratedToken;
  topTokens?: GeneratedToken[];
  /** True when this token ends the generation: the `end` event follows at once, with no decode in between. */
  last: boolean;
  /** With a `tools` constraint: this token read as reply text and calls (empty while it is undecided). */
  toolCallDeltas?: ToolCallDelta[];
}

export interface GenerationTimings {
  /** Waiting for a free sequence. */
  queueMs: number;
  /** From the start of evaluation to the first generated token. */
  firstTokenMs: number;
  /** From the start of evaluation to the end. */
  generationMs: number;
  /** Prompt tokens that were already in the sequence's cache and were not evaluated again. */
  reusedPromptTokens: number;
}

export interface EndEvent {
  type: 'end';
  /** The text of all non-special generated tokens (stop sequences included, as TGI does). */
  generatedText: string;
  finishReason: FinishReason;
  generatedTokens: number;
  seed: number | null;
  inputLength: number;
  /** The stop sequence that ended generation, if one did. */
  stopSequence: string | null;
  /** True when the generation was aborted (Stop, client gone, shutdown): the text is what was generated until then. */
  cancelled: boolean;
  timings: GenerationTimings;
  /** With a `tools` constraint: the calls the model made (none when it answered in text). */
  toolCalls?: ToolCall[];
}

/** A long prompt is read in steps before the first token: how far it is (the window shows it). */
export interface PromptEvent {
  type: 'prompt';
  /** Prompt tokens evaluated so far, of `total` (the tokens not already in the cache). */
  evaluated: number;
  total: number;
}

export type GenerationEvent = PromptEvent | TokenEvent | EndEvent;
