// The window's one API: `window.brook`, the Bridge over IPC. Nothing else reaches the page: no
// ipcRenderer, no Node. Bundled as CJS (out/preload/index.cjs) for the sandbox, which can only `require`
// electron's renderer modules, so this file imports nothing from the core but types and channel names.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiRequestInfo, AppStatus, Bridge, EndpointSettings, ReplyUpdate, Unsubscribe } from '../core/wire/bridge.js';
import type { ChatSettings } from '../core/wire/chats.js';
import { IPC, IPC_EVENTS, type IpcChannel, type IpcEventChannel, type IpcResponse } from '../main/ipcChannels.js';

/** Invokes a command; an error answer becomes a thrown Error with the main process's message. */
async function invoke<T>(channel: IpcChannel, payload: object = {}): Promise<T> {
  const response = (await ipcRenderer.invoke(channel, payload)) as IpcResponse<T>;
  if (!response.ok) {
    const error = new Error(response.error);
    error.name = response.error_type === 'validation' ? 'ValidationError' : 'BrookError';
    throw error;
  }
  return response.value;
}

/** Subscribes to an event channel; the returned function unsubscribes (only this listener). */
function subscribe<T>(channel: IpcEventChannel, listener: (value: T) => void): Unsubscribe {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const handler = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

const bridge: Bridge = {
  mode: 'electron',

  status: () => invoke<AppStatus>(IPC.status),
  onStatus: (listener) => subscribe<AppStatus>(IPC_EVENTS.status, listener),
  // Electron asks with a native dialog; a path from the page is not used.
  openModel: async () => {
    await invoke<null>(IPC.openModel);
  },

  listConversations: (query) => invoke(IPC.listConversations, query === undefined ? {} : { query }),
  getConversation: (conversationId) => invoke(IPC.getConversation, { conversationId }),
  createConversation: () => invoke(IPC.createConversation),
  renameConversation: async (conversationId, title) => {
    await invoke<null>(IPC.renameConversation, { conversationId, title });
  },
  deleteConversation: async (conversationId) => {
    await invoke<null>(IPC.deleteConversation, { conversationId });
  },
  updateSettings: (conversationId, settings: Partial<ChatSettings>) => invoke(IPC.updateSettings, { conversationId, settings }),
  selectBranch: (conversationId, messageId) => invoke(IPC.selectBranch, { conversationId, messageId }),
  exportConversation: (conversationId, format) => invoke(IPC.exportConversation, { conversationId, format }),

  send: (conversationId, parentId, content, topNTokens) =>
    invoke(IPC.send, topNTokens === undefined ? { conversationId, parentId, content } : { conversationId, parentId, content, topNTokens }),
  regenerate: (conversationId, userMessageId, topNTokens) =>
    invoke(IPC.regenerate, topNTokens === undefined ? { conversationId, userMessageId } : { conversationId, userMessageId, topNTokens }),
  stop: async (conversationId) => {
    await invoke<null>(IPC.stop, { conversationId });
  },
  onReply: (listener) => subscribe<ReplyUpdate>(IPC_EVENTS.reply, listener),

  endpointSettings: () => invoke<EndpointSettings>(IPC.endpointSettings),
  configureEndpoint: (change) => invoke<EndpointSettings>(IPC.configureEndpoint, change),
  listApiRequests: () => invoke<ApiRequestInfo[]>(IPC.listApiRequests),
  onApiRequests: (listener) => subscribe<ApiRequestInfo[]>(IPC_EVENTS.apiRequests, listener),
  cancelApiRequest: (id) => invoke<boolean>(IPC.cancelApiRequest, { id }),
};

contextBridge.exposeInMainWorld('brook', bridge);
