// The numbers behind a conversation's settings: the schema in chats.ts is built from them, and the window
// imports them as values to bound its inputs. No runtime imports, so the renderer bundles only this data.
import type { ChatSettings } from './chats.js';

/**
 * Inclusive bounds, except top_p's minimum, which is exclusive (TGI refuses top_p = 0), and min_p's maximum,
 * which is exclusive (min-p 1 would keep only the likeliest token: greedy by another name). min_p's bounds are
 * also the TGI extension's (wire/tgi.ts), so every front door takes the same min-p.
 */
export const CHAT_SETTING_LIMITS = {
  temperature: { min: 0, max: 2 },
  top_p: { min: 0, max: 1 },
  top_k: { min: 0, max: 1000 },
  max_new_tokens: { min: 1, max: 32_768 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  repetition_penalty: { min: 0.5, max: 2 },
  min_p: { min: 0, max: 1 },
} as const;

/** Stop strings a chat may set: TGI's own limit, and a length that keeps them stop strings, not prompts. */
export const CHAT_STOP_LIMITS = { count: 4, length: 100 } as const;

export const SYSTEM_PROMPT_MAX_LENGTH = 20_000;

/** What a new conversation starts with. */
export const DEFAULT_CHAT_SETTINGS: ChatSettings = {
  systemPrompt: 'You are a helpful assistant.',
  temperature: 0.7,
  top_p: 0.95,
  top_k: 40,
  max_new_tokens: 512,
  seed: null,
  repetition_penalty: 1,
  min_p: 0,
  stop: [],
  replySchema: null,
};
