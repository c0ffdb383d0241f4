import type { Conversation, Message } from '../bridge/types';

export { activePath } from '../../../electron/core/wire/activePath';

/** Children of every parent (the key '' for the root), oldest first: the versions behind ‹ 2/3 ›. */
export function childrenByParent(conversation: Conversation): Map<string, Message[]> {
  const children = new Map<string, Message[]>();
  for (const message of Object.values(conversation.messages)) {
    const key = message.parentId ?? '';
    let list = children.get(key);
    if (!list) children.set(key, (list = []));
    list.push(message);
  }
  for (const list of children.values()) list.sort((a, b) => a.createdAt - b.createdAt);
  return children;
}

/** The conversation with `messages` added or replaced; each new message becomes its parent's active child when `show`. */
export function withMessages(conversation: Conversation, messages: Message[], show: boolean): Conversation {
  const next: Conversation = { ...conversation, messages: { ...conversation.messages }, activeChild: { ...conversation.activeChild } };
  for (const message of messages) {
    next.messages[message.id] = message;
    if (show) next.activeChild[message.parentId ?? ''] = message.id;
    next.updatedAt = Math.max(next.updatedAt, message.createdAt);
  }
  return next;
}
