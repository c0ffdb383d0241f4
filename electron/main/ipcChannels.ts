// The IPC channels between the window (preload) and the main process: the one list of their names,
// imported by both sides. No imports here: the sandboxed preload bundles this file as is.

/** Commands: the window invokes them (ipcRenderer.invoke → ipcMain.handle); each answers an IpcResponse. */
export const IPC = {
  status: 'brook:status',
  openModel: 'brook:open-model',
  listConversations: 'brook:conversations:list',
  getConversation: 'brook:conversations:get',
  createConversation: 'brook:conversations:create',
  renameConversation: 'brook:conversations:rename',
  deleteConversation: 'brook:conversations:delete',
  updateSettings: 'brook:conversations:update-settings',
  selectBranch: 'brook:conversations:select-branch',
  exportConversation: 'brook:conversations:export',
  send: 'brook:chat:send',
  regenerate: 'brook:chat:regenerate',
  stop: 'brook:chat:stop',
  endpointSettings: 'brook:endpoint:settings',
  configureEndpoint: 'brook:endpoint:configure',
  listApiRequests: 'brook:api-requests:list',
  cancelApiRequest: 'brook:api-requests:cancel',
} as const;

export type IpcCommand = keyof typeof IPC;
export type IpcChannel = (typeof IPC)[IpcCommand];

/** Events: the main process pushes them to the window (webContents.send → ipcRenderer.on). */
export const IPC_EVENTS = {
  /** An AppStatus, whenever it changes. */
  status: 'brook:event:status',
  /** A ReplyUpdate of a reply being generated. */
  reply: 'brook:event:reply',
  /** The whole list of requests from other tools (ApiRequestInfo[]), whenever it changes. */
  apiRequests: 'brook:event:api-requests',
} as const;

export type IpcEventChannel = (typeof IPC_EVENTS)[keyof typeof IPC_EVENTS];

/**
 * What every command answers. Errors travel as data, not as a rejected invoke (Electron would prefix
 * "Error invoking remote method …" to the message); the preload turns them into thrown Errors.
 */
export type IpcResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: string; error_type: string };
