import { CHAT_SETTING_LIMITS, CHAT_STOP_LIMITS, DEFAULT_CHAT_SETTINGS } from '../../../electron/core/wire/chatSettingsRules';

/** What a new chat starts with; shown in the settings panel before the chat exists. */
export const NEW_CHAT_SETTINGS = DEFAULT_CHAT_SETTINGS;

/** The bounds of each number in the ChatSettings schema, with the step of its input. */
export const LIMITS = {
  temperature: { ...CHAT_SETTING_LIMITS.temperature, step: 0.05 },
  // The schema's minimum is exclusive: the slider starts one step above it.
  top_p: { ...CHAT_SETTING_LIMITS.top_p, min: 0.01, step: 0.01 },
  top_k: { ...CHAT_SETTING_LIMITS.top_k, step: 1 },
  max_new_tokens: { ...CHAT_SETTING_LIMITS.max_new_tokens, step: 1 },
  seed: { ...CHAT_SETTING_LIMITS.seed, step: 1 },
  repetition_penalty: { ...CHAT_SETTING_LIMITS.repetition_penalty, step: 0.05 },
  // The schema's maximum is exclusive.
  min_p: { ...CHAT_SETTING_LIMITS.min_p, step: 0.01, exclusiveMax: true },
} as const;

/** How many stop strings a chat may set, and how long each. */
export const STOP_LIMITS = CHAT_STOP_LIMITS;
