// How a conversation tree reads on screen, shared by the store and the window (no runtime imports, so the
// renderer bundles just this function).
import type { Conversation, Message } from './chats.js';

/** The messages on screen: from the root, following each parent's active child. */
export function activePath(conversation: Conversation): Message[] {
  const path: Message[] = [];
  const seen = new Set<string>();
  for (let id = conversation.activeChild['']; id !== undefined && !seen.has(id); id = conversation.activeChild[id]) {
    const message = conversation.messages[id];
    if (!message) break;
    seen.add(id);
    path.push(message);
  }
  return path;
}
