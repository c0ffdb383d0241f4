// Bridge methods the window is built for but the core does not offer yet (issue 12). The window uses each one
// only where the Bridge has it; once the core adds them to `Bridge` (electron/core/wire/bridge.ts), this file
// goes and the callers use the Bridge directly.
import type { Bridge, Message } from '../bridge/types';

export interface ContextUsage {
  /** Tokens of the prompt the next reply would be given: chat template, system prompt, the active path, the draft. */
  promptTokens: number;
  /** Tokens per sequence (ModelInfo.contextSize): prompt and reply together must fit. */
  contextSize: number;
}

export interface PendingBridge {
  /** What the next reply's prompt takes: the active path up to `parentId` (null: a new chat) followed by `draft`. */
  contextUsage(conversationId: string | null, parentId: string | null, draft: string): Promise<ContextUsage>;
  /** Resumes a stopped reply: the same message streams on from where it stopped (its status back to streaming). */
  continueReply(conversationId: string, messageId: string): Promise<Message>;
  /** A short title for a chat, written by the model from its first exchange (the window then renames the chat). */
  suggestTitle(conversationId: string): Promise<string>;
}

/** The method if this Bridge has it. */
export function pendingMethod<K extends keyof PendingBridge>(bridge: Bridge, name: K): PendingBridge[K] | undefined {
  const method = (bridge as unknown as Partial<PendingBridge>)[name];
  return typeof method === 'function' ? (method.bind(bridge) as PendingBridge[K]) : undefined;
}

/** How far the prompt has been read before the first token (0…1), where an update carries it. */
export function promptProgress(update: object): number | undefined {
  const value = (update as { promptProgress?: unknown }).promptProgress;
  return typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
}
