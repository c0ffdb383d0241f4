import type { ChatSettings } from '../bridge/types';

/**
 * What a new chat starts with: a copy of DEFAULT_CHAT_SETTINGS in electron/core/wire/chats.ts (the window
 * imports wire modules as types only). Shown in the settings panel before the chat exists.
 */
export const NEW_CHAT_SETTINGS = {
  systemPrompt: 'You are a helpful assistant.',
  temperature: 0.7,
  top_p: 0.95,
  top_k: 40,
  max_new_tokens: 512,
  seed: null,
} satisfies ChatSettings;

/** The bounds of each number in the ChatSettings schema. */
export const LIMITS = {
  temperature: { min: 0, max: 2, step: 0.05 },
  top_p: { min: 0.01, max: 1, step: 0.01 },
  top_k: { min: 0, max: 1000, step: 1 },
  max_new_tokens: { min: 1, max: 32_768, step: 1 },
  seed: { min: 0, max: 2 ** 32 - 1, step: 1 },
} as const;
