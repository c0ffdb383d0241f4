import type { Conversation, ExportedConversation, Message } from '../wire/chats.js';

/**
 * A conversation as a file to save: Markdown holds the branch on screen (`path`, root → leaf), JSON the
 * whole tree (the Conversation as stored, so it can be read back with the same schema).
 */
export function exportConversation(conversation: Conversation, path: readonly Message[], format: 'markdown' | 'json'): ExportedConversation {
  const base = fileBase(conversation.title);
  if (format === 'json') {
    return { filename: `${base}.json`, mimeType: 'application/json', content: `${JSON.stringify(conversation, null, 2)}\n` };
  }
  const parts = [`# ${oneLine(conversation.title)}`];
  const system = conversation.settings.systemPrompt.trim();
  if (system) parts.push(system.split('\n').map((line) => `> ${line}`).join('\n'));
  for (const message of path) {
    parts.push(`## ${message.role === 'user' ? 'User' : 'Assistant'}`);
    if (message.content) parts.push(message.content);
    if (message.status === 'stopped') parts.push('_(stopped)_');
    if (message.status === 'error') parts.push(`_(error${message.error ? `: ${oneLine(message.error)}` : ''})_`);
  }
  return { filename: `${base}.md`, mimeType: 'text/markdown', content: `${parts.join('\n\n')}\n` };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A file name safe on every OS: letters and digits of the title, joined by dashes. */
function fileBase(title: string): string {
  const slug = title
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'conversation';
}
