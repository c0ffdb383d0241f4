// The window's Bridge as one table: every command's name, its arguments and its HTTP route. The preload (IPC),
// the renderer's Bridge (over IPC or HTTP), the main process's IPC handlers and the /app routes are all derived
// from it; bridgeSchemas.ts gives each command's request and response schema under the same names.
// No imports: the sandboxed preload bundles this file as is.

interface CommandRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** `:name` segments are filled from the argument of that name. */
  path: string;
  /**
   * The method's positional arguments, by name, making up the payload object; `'payload'` when the method
   * takes the payload object itself.
   */
  args: readonly string[] | 'payload';
}

export const BRIDGE_COMMANDS = {
  status: { method: 'GET', path: '/app/status', args: [] },
  openModel: { method: 'POST', path: '/app/model', args: ['path'] },
  useRemote: { method: 'POST', path: '/app/remote', args: 'payload' },
  listConversations: { method: 'GET', path: '/app/conversations', args: ['query'] },
  getConversation: { method: 'GET', path: '/app/conversations/:conversationId', args: ['conversationId'] },
  createConversation: { method: 'POST', path: '/app/conversations', args: [] },
  renameConversation: { method: 'POST', path: '/app/rename', args: ['conversationId', 'title'] },
  deleteConversation: { method: 'DELETE', path: '/app/conversations/:conversationId', args: ['conversationId'] },
  updateSettings: { method: 'POST', path: '/app/settings', args: ['conversationId', 'settings'] },
  selectBranch: { method: 'POST', path: '/app/branch', args: ['conversationId', 'messageId'] },
  exportConversation: { method: 'POST', path: '/app/export', args: ['conversationId', 'format'] },
  send: { method: 'POST', path: '/app/send', args: ['conversationId', 'parentId', 'content', 'topNTokens'] },
  regenerate: { method: 'POST', path: '/app/regenerate', args: ['conversationId', 'userMessageId', 'topNTokens'] },
  stop: { method: 'POST', path: '/app/stop', args: ['conversationId'] },
  continueReply: { method: 'POST', path: '/app/continue', args: ['conversationId', 'messageId'] },
  contextUsage: { method: 'POST', path: '/app/context-usage', args: ['conversationId', 'parentId', 'draft'] },
  suggestTitle: { method: 'POST', path: '/app/suggest-title', args: ['conversationId'] },
  endpointSettings: { method: 'GET', path: '/app/endpoint', args: [] },
  configureEndpoint: { method: 'POST', path: '/app/endpoint', args: 'payload' },
  listApiRequests: { method: 'GET', path: '/app/requests', args: [] },
  cancelApiRequest: { method: 'POST', path: '/app/requests/:id/cancel', args: ['id'] },
} as const satisfies Record<string, CommandRoute>;

export type BridgeCommand = keyof typeof BRIDGE_COMMANDS;

/** The events the window listens to: the Bridge method that subscribes, by event name. */
export const BRIDGE_EVENTS = {
  status: 'onStatus',
  reply: 'onReply',
  requests: 'onApiRequests',
} as const;

export type BridgeEvent = keyof typeof BRIDGE_EVENTS;

/** The IPC channel of a command. */
export function commandChannel<C extends BridgeCommand>(command: C): `brook:${C}` {
  return `brook:${command}`;
}

/** The IPC channel of an event. */
export function eventChannel<E extends BridgeEvent>(event: E): `brook:event:${E}` {
  return `brook:event:${event}`;
}

/** The payload object of a call: its arguments by name (undefined ones left out). */
export function commandPayload(command: BridgeCommand, args: readonly unknown[]): Record<string, unknown> {
  const spec: CommandRoute = BRIDGE_COMMANDS[command];
  if (spec.args === 'payload') return { ...((args[0] as Record<string, unknown> | undefined) ?? {}) };
  const payload: Record<string, unknown> = {};
  spec.args.forEach((name, at) => {
    if (args[at] !== undefined) payload[name] = args[at];
  });
  return payload;
}

/** What an IPC command answers: errors travel as data, with their type, and the window rebuilds them. */
export type IpcResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: string; error_type: string };

/** What the Electron preload gives the page as `window.brook`: commands and events of this table over IPC. */
export interface IpcTransport {
  readonly mode: 'electron';
  invoke(command: BridgeCommand, payload: object): Promise<IpcResponse>;
  /** Returns the function that unsubscribes this listener. */
  on(event: BridgeEvent, listener: (value: unknown) => void): () => void;
}
