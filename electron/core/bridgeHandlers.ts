// The core's side of every Bridge command, once: validates the payload with the command's schema and runs it.
// The IPC handlers (Electron) and the /app routes (browser mode) are thin transports over these.
import type { Static } from 'typebox';
import type { ChatService } from './chats/ChatService.js';
import type { AppStatus } from './wire/bridge.js';
import type { BridgeCommand } from './wire/bridgeCommands.js';
import { BRIDGE_SCHEMAS } from './wire/bridgeSchemas.js';
import type { ApiRequestInfo, EndpointChange, EndpointSettings } from './wire/endpoint.js';
import type { RemoteServer } from './wire/remote.js';
import { parse } from './wire/validator.js';

export interface BridgeServices {
  chats: Pick<
    ChatService,
    'list' | 'get' | 'create' | 'rename' | 'delete' | 'updateSettings' | 'selectBranch' | 'export' | 'send' | 'regenerate' | 'stop' | 'continueReply' | 'contextUsage' | 'suggestTitle'
  >;
  status(): AppStatus;
  /** Loads a GGUF file: the given path in a browser; Electron asks with a native dialog instead. */
  openModel(path: string | undefined): Promise<void>;
  useRemote(remote: RemoteServer): Promise<void>;
  endpointSettings(): EndpointSettings;
  configureEndpoint(change: EndpointChange): Promise<EndpointSettings>;
  /** The live list of requests from other tools. */
  requests: { list(): ApiRequestInfo[]; cancel(id: string): boolean };
}

type Payload<C extends BridgeCommand> = Static<(typeof BRIDGE_SCHEMAS)[C]['request']>;
type Implementations = { [C in BridgeCommand]: (payload: Payload<C>) => unknown };

/** Runs a command from an untrusted payload: 422 `validation` if it does not match the command's schema. */
export type BridgeHandler = (payload: unknown) => Promise<unknown>;

export function bridgeHandlers(services: BridgeServices): Record<BridgeCommand, BridgeHandler> {
  const { chats } = services;
  const run: Implementations = {
    status: () => services.status(),
    openModel: ({ path }) => services.openModel(path),
    useRemote: (remote) => services.useRemote(remote),
    listConversations: ({ query }) => chats.list(query),
    getConversation: ({ conversationId }) => chats.get(conversationId),
    createConversation: () => chats.create(),
    renameConversation: ({ conversationId, title }) => chats.rename(conversationId, title),
    deleteConversation: ({ conversationId }) => chats.delete(conversationId),
    updateSettings: ({ conversationId, settings }) => chats.updateSettings(conversationId, settings),
    selectBranch: ({ conversationId, messageId }) => chats.selectBranch(conversationId, messageId),
    exportConversation: ({ conversationId, format }) => chats.export(conversationId, format),
    send: ({ conversationId, parentId, content, topNTokens }) => chats.send(conversationId, parentId, content, topNTokens),
    regenerate: ({ conversationId, userMessageId, topNTokens }) => chats.regenerate(conversationId, userMessageId, topNTokens),
    stop: ({ conversationId, messageId }) => chats.stop(conversationId, messageId),
    continueReply: ({ conversationId, messageId }) => chats.continueReply(conversationId, messageId),
    contextUsage: ({ conversationId, parentId, draft }) => chats.contextUsage(conversationId, parentId, draft),
    suggestTitle: ({ conversationId }) => chats.suggestTitle(conversationId),
    endpointSettings: () => services.endpointSettings(),
    configureEndpoint: (change) => services.configureEndpoint(change),
    listApiRequests: () => services.requests.list(),
    cancelApiRequest: ({ id }) => services.requests.cancel(id),
  };
  const handlers = {} as Record<BridgeCommand, BridgeHandler>;
  for (const command of Object.keys(run) as BridgeCommand[]) {
    const implementation = run[command] as (payload: unknown) => unknown;
    handlers[command] = async (payload) => (await implementation(parse(BRIDGE_SCHEMAS[command].request, payload))) ?? null;
  }
  return handlers;
}
