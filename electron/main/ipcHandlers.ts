// The window's commands as plain functions (no Electron here, so Vitest calls them directly): each checks
// who sent it, validates its payload with the wire schemas (the same as the HTTP app routes), calls the
// core, and answers an IpcResponse. main/index.ts registers them with ipcMain.handle.
import { Type, type Static, type TSchema } from 'typebox';
import type { ChatService } from '../core/chats/ChatService.js';
import { ApiError } from '../core/errors.js';
import type { AppStatus } from '../core/wire/bridge.js';
import {
  ConversationRef,
  ExportConversation,
  Regenerate,
  RenameConversation,
  SearchConversations,
  SelectBranch,
  SendMessage,
  StopGeneration,
  UpdateSettings,
} from '../core/wire/chats.js';
import { ApiRequestRef, EndpointChange, type ApiRequestInfo, type EndpointSettings } from '../core/wire/endpoint.js';
import { parse } from '../core/wire/validator.js';
import { IPC, type IpcChannel, type IpcResponse } from './ipcChannels.js';
import type { IpcSender } from './security.js';

/** Commands without arguments still send an object (`{}`), so every payload is checked the same way. */
const NoArguments = Type.Object({});

export interface IpcServices {
  chats: Pick<ChatService, 'list' | 'get' | 'create' | 'rename' | 'delete' | 'updateSettings' | 'selectBranch' | 'export' | 'send' | 'regenerate' | 'stop'>;
  status(): AppStatus;
  /** Asks the user for a GGUF file (a native dialog) and loads it; resolves once loaded, or at once when cancelled. */
  openModel(): Promise<void>;
  endpoint: {
    settings(): EndpointSettings;
    /** Brook.configureEndpoint, and the new settings saved for the next start. */
    configure(change: EndpointChange): Promise<EndpointSettings>;
  };
  /** The live list of requests from other tools (Brook.requests). */
  requests: { list(): ApiRequestInfo[]; cancel(id: string): boolean };
}

export interface IpcHandlerOptions {
  /** Whether a command from this sender is accepted (see createSenderPolicy). */
  isTrustedSender: (sender: IpcSender) => boolean;
  warn?: (message: string) => void;
}

export type IpcHandler = (sender: IpcSender, payload: unknown) => Promise<IpcResponse>;

export const FORBIDDEN_SENDER = 'This command is only accepted from the Brook window.';

/** channel → handler, one per command of the Bridge. */
export function createIpcHandlers(services: IpcServices, options: IpcHandlerOptions): Record<IpcChannel, IpcHandler> {
  const warn = options.warn ?? ((message: string) => console.warn(`[ipc] ${message}`));
  const { chats } = services;

  const command =
    <S extends TSchema>(channel: IpcChannel, schema: S, run: (payload: Static<S>) => unknown): IpcHandler =>
    async (sender, payload) => {
      if (!options.isTrustedSender(sender)) {
        warn(`refused ${channel} from webContents ${sender.webContentsId} (${sender.frameUrl ?? 'no frame'}${sender.isMainFrame ? '' : ', a subframe'})`);
        return { ok: false, error: FORBIDDEN_SENDER, error_type: 'forbidden' };
      }
      try {
        const value = await run(parse(schema, payload));
        return { ok: true, value: value ?? null };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: error.message, error_type: error.errorType };
        const message = error instanceof Error ? error.message : String(error);
        warn(`${channel} failed: ${message}`);
        return { ok: false, error: message, error_type: 'internal' };
      }
    };

  return {
    [IPC.status]: command(IPC.status, NoArguments, () => services.status()),
    [IPC.openModel]: command(IPC.openModel, NoArguments, () => services.openModel()),
    [IPC.listConversations]: command(IPC.listConversations, SearchConversations, ({ query }) => chats.list(query)),
    [IPC.getConversation]: command(IPC.getConversation, ConversationRef, ({ conversationId }) => chats.get(conversationId)),
    [IPC.createConversation]: command(IPC.createConversation, NoArguments, () => chats.create()),
    [IPC.renameConversation]: command(IPC.renameConversation, RenameConversation, ({ conversationId, title }) => chats.rename(conversationId, title)),
    [IPC.deleteConversation]: command(IPC.deleteConversation, ConversationRef, ({ conversationId }) => chats.delete(conversationId)),
    [IPC.updateSettings]: command(IPC.updateSettings, UpdateSettings, ({ conversationId, settings }) => chats.updateSettings(conversationId, settings)),
    [IPC.selectBranch]: command(IPC.selectBranch, SelectBranch, ({ conversationId, messageId }) => chats.selectBranch(conversationId, messageId)),
    [IPC.exportConversation]: command(IPC.exportConversation, ExportConversation, ({ conversationId, format }) => chats.export(conversationId, format)),
    [IPC.send]: command(IPC.send, SendMessage, ({ conversationId, parentId, content, topNTokens }) => chats.send(conversationId, parentId, content, topNTokens)),
    [IPC.regenerate]: command(IPC.regenerate, Regenerate, ({ conversationId, userMessageId, topNTokens }) => chats.regenerate(conversationId, userMessageId, topNTokens)),
    [IPC.stop]: command(IPC.stop, StopGeneration, ({ conversationId, messageId }) => chats.stop(conversationId, messageId)),
    [IPC.endpointSettings]: command(IPC.endpointSettings, NoArguments, () => services.endpoint.settings()),
    [IPC.configureEndpoint]: command(IPC.configureEndpoint, EndpointChange, (change) => services.endpoint.configure(change)),
    [IPC.listApiRequests]: command(IPC.listApiRequests, NoArguments, () => services.requests.list()),
    [IPC.cancelApiRequest]: command(IPC.cancelApiRequest, ApiRequestRef, ({ id }) => services.requests.cancel(id)),
  };
}
