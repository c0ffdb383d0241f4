// What the pipeline gives every front door: the request it takes and the events it yields.
// The window receives these over IPC, the HTTP writers turn them into TGI or OpenAI frames.
import { Type, type Static } from 'typebox';
import type { FinishReason, GenerateParameters } from './tgi.js';

export const ChatRole = Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('assistant')]);
export const ChatMessage = Type.Object({
  role: ChatRole,
  content: Type.String({ maxLength: 1_000_000 }),
});
export type ChatMessage = Static<typeof ChatMessage>;

/** Raw text is used as is (TGI); messages go through the model's chat template (window, OpenAI chat). */
export type Prompt = { text: string } | { messages: ChatMessage[] };

export interface GenerationRequest {
  prompt: Prompt;
  parameters: GenerateParameters;
  /** Shorten max_new_tokens to the room the prompt leaves instead of refusing (the window's chats). */
  fitMaxNewTokens?: boolean;
}

export interface GeneratedToken {
  id: number;
  /** '' while the token ends inside a multi-byte character; the text comes with a later token. */
  text: string;
  logprob: number | null;
  special: boolean;
}

export interface TokenEvent {
  type: 'token';
  /** 1 for the first generated token. */
  index: number;
  token: GeneratedToken;
  topTokens?: GeneratedToken[];
  /** True when this token ends the generation: the `end` event follows at once, with no decode in between. */
  last: boolean;
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
}

export type GenerationEvent = TokenEvent | EndEvent;
