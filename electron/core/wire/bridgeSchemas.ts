// The request and response schema of each Bridge command, under the names of bridgeCommands.ts. The IPC
// handlers and the /app routes validate with these; the types of the Bridge follow from them.
import { Type, type TSchema } from 'typebox';
import type { BridgeCommand } from './bridgeCommands.js';
import {
  ContextUsage,
  ContextUsageRequest,
  ContinueReply,
  Conversation,
  ConversationRef,
  ConversationSummary,
  ExportConversation,
  Message,
  Regenerate,
  RenameConversation,
  SearchConversations,
  SelectBranch,
  SendMessage,
  StopGeneration,
  UpdateSettings,
} from './chats.js';
import { ApiRequestRef, EndpointChange } from './endpoint.js';
import { RemoteServer } from './remote.js';

const NoArguments = Type.Object({});
/** In Electron the path comes from a native dialog, so the window sends none. */
const OpenModel = Type.Object({ path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) });

interface CommandSchemas {
  request: TSchema;
  /** What the command answers, where the wire module has a schema of it. */
  response?: TSchema;
}

export const BRIDGE_SCHEMAS = {
  status: { request: NoArguments },
  openModel: { request: OpenModel },
  useRemote: { request: RemoteServer },
  listConversations: { request: SearchConversations, response: Type.Array(ConversationSummary) },
  getConversation: { request: ConversationRef, response: Conversation },
  createConversation: { request: NoArguments, response: Conversation },
  renameConversation: { request: RenameConversation },
  deleteConversation: { request: ConversationRef },
  updateSettings: { request: UpdateSettings, response: Conversation },
  selectBranch: { request: SelectBranch, response: Conversation },
  exportConversation: { request: ExportConversation },
  send: { request: SendMessage, response: Type.Object({ userMessage: Message, assistantMessage: Message }) },
  regenerate: { request: Regenerate, response: Message },
  stop: { request: StopGeneration },
  continueReply: { request: ContinueReply, response: Message },
  contextUsage: { request: ContextUsageRequest, response: ContextUsage },
  suggestTitle: { request: ConversationRef, response: Type.String() },
  endpointSettings: { request: NoArguments },
  configureEndpoint: { request: EndpointChange },
  listApiRequests: { request: NoArguments },
  cancelApiRequest: { request: ApiRequestRef, response: Type.Boolean() },
} as const satisfies Record<BridgeCommand, CommandSchemas>;
