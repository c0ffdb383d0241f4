// The wire types the window uses, re-exported for the renderer (types only: nothing of the core is bundled).
export type {
  ApiRequestInfo,
  ApiRequestState,
  AppStatus,
  Bridge,
  EndpointChange,
  EndpointSettings,
  EndpointState,
  ModelInfo,
  ModelState,
  OllamaPortState,
  RemoteServer,
  ReplyUpdate,
  SendResult,
  Unsubscribe,
} from '../../../electron/core/wire/bridge.js';
export type { ToolCall } from '../../../electron/core/wire/generation.js';
export type {
  ChatSettings,
  ContextUsage,
  Conversation,
  ConversationSummary,
  ExportedConversation,
  Message,
  MessageStatus,
  MessageToken,
  ReplyStats,
} from '../../../electron/core/wire/chats.js';
export type { AppEvent } from '../../../electron/core/server/appEvents.js';

/** A ReplyUpdate as the HTTP bridge delivers it: with where its text goes in the reply. */
export interface PositionedReplyUpdate {
  /** Length of the reply's text before this update; absent over IPC (updates then simply follow each other). */
  offset?: number;
}
