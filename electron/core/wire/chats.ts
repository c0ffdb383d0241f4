// Conversations as the window sees them, and the payloads of the window's commands. The same schemas
// validate IPC payloads (Electron) and the app routes (browser mode).
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';
import { CHAT_SETTING_LIMITS, CHAT_STOP_LIMITS, SYSTEM_PROMPT_MAX_LENGTH } from './chatSettingsRules.js';
import { FinishReason } from './tgi.js';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** Alternatives per token to record with a reply (log-probability hover); 0 or absent: none. */
const TopNTokens = Nullable(Type.Integer({ minimum: 0, maximum: 5 }));

const limits = CHAT_SETTING_LIMITS;
export const ChatSettings = Type.Object({
  systemPrompt: Type.String({ maxLength: SYSTEM_PROMPT_MAX_LENGTH }),
  /** 0 means greedy. */
  temperature: Type.Number({ minimum: limits.temperature.min, maximum: limits.temperature.max }),
  top_p: Type.Number({ exclusiveMinimum: limits.top_p.min, maximum: limits.top_p.max }),
  top_k: Type.Integer({ minimum: limits.top_k.min, maximum: limits.top_k.max }),
  max_new_tokens: Type.Integer({ minimum: limits.max_new_tokens.min, maximum: limits.max_new_tokens.max }),
  /** null: a new random seed for every reply. */
  seed: Type.Union([Type.Integer({ minimum: limits.seed.min, maximum: limits.seed.max }), Type.Null()]),
  /** 1 is off; above 1 makes the model repeat itself less. Absent in chats saved before it existed: 1. */
  repetition_penalty: Type.Optional(Type.Number({ minimum: limits.repetition_penalty.min, maximum: limits.repetition_penalty.max })),
  /** llama.cpp's min-p: 0 is off. Absent in chats saved before it existed: 0. */
  min_p: Type.Optional(Type.Number({ minimum: limits.min_p.min, exclusiveMaximum: limits.min_p.max })),
  /** The reply ends where one of these appears (it is kept in the text). */
  stop: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: CHAT_STOP_LIMITS.length }), { maxItems: CHAT_STOP_LIMITS.count })),
  /**
   * "Reply as JSON (schema)": the JSON Schema every reply follows, as the JSON text the user wrote; "{}" for
   * any JSON object. Absent or null: free text. Enforced by grammar-constrained decoding.
   */
  replySchema: Type.Optional(Nullable(Type.String({ maxLength: SYSTEM_PROMPT_MAX_LENGTH }))),
});
export type ChatSettings = Static<typeof ChatSettings>;

export { DEFAULT_CHAT_SETTINGS } from './chatSettingsRules.js';

export const MessageToken = Type.Object({
  id: Type.Integer(),
  text: Type.String(),
  logprob: Type.Union([Type.Number(), Type.Null()]),
  special: Type.Boolean(),
  top: Type.Optional(Type.Array(Type.Object({ id: Type.Integer(), text: Type.String(), logprob: Type.Union([Type.Number(), Type.Null()]), special: Type.Boolean() }))),
});
export type MessageToken = Static<typeof MessageToken>;

export const ReplyStats = Type.Object({
  firstTokenMs: Type.Number(),
  tokensPerSecond: Type.Number(),
  tokens: Type.Integer(),
  finishReason: Type.Union([FinishReason, Type.Literal('stopped'), Type.Literal('error')]),
});
export type ReplyStats = Static<typeof ReplyStats>;

export const MessageStatus = Type.Union([
  Type.Literal('complete'),
  /** Being generated now. */
  Type.Literal('streaming'),
  /** Stopped by the user (or the app closed mid-reply): the text is partial. */
  Type.Literal('stopped'),
  Type.Literal('error'),
]);
export type MessageStatus = Static<typeof MessageStatus>;

export const Message = Type.Object({
  id: Id,
  /** null for the first user message of a conversation. */
  parentId: Type.Union([Id, Type.Null()]),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  createdAt: Type.Integer(),
  status: MessageStatus,
  error: Type.Optional(Type.String()),
  stats: Type.Optional(ReplyStats),
  /** Per-token log-probabilities and alternatives of an assistant reply. */
  tokens: Type.Optional(Type.Array(MessageToken)),
});
export type Message = Static<typeof Message>;

export const Conversation = Type.Object({
  id: Id,
  title: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  settings: ChatSettings,
  /** Every message of every branch, by id. Siblings share a parentId; regenerate and edit add siblings. */
  messages: Type.Record(Type.String(), Message),
  /** For each parent (the key '' for the root), the child shown now: the path through the tree on screen. */
  activeChild: Type.Record(Type.String(), Id),
});
export type Conversation = Static<typeof Conversation>;

export const ConversationSummary = Type.Object({
  id: Id,
  title: Type.String(),
  updatedAt: Type.Integer(),
  /** The first characters of the last message on the active path, for the list and search results. */
  preview: Type.String(),
});
export type ConversationSummary = Static<typeof ConversationSummary>;

// Command payloads (IPC and app routes).
export const ConversationRef = Type.Object({ conversationId: Id });
export const RenameConversation = Type.Object({ conversationId: Id, title: Type.String({ minLength: 1, maxLength: 200 }) });
export const SearchConversations = Type.Object({ query: Type.Optional(Type.String({ maxLength: 500 })) });
export const UpdateSettings = Type.Object({ conversationId: Id, settings: Type.Partial(ChatSettings) });
export const SelectBranch = Type.Object({ conversationId: Id, messageId: Id });
export const ExportConversation = Type.Object({ conversationId: Id, format: Type.Union([Type.Literal('markdown'), Type.Literal('json')]) });
export const SendMessage = Type.Object({
  conversationId: Id,
  /** The message to answer under: null or the last message for a new turn; an earlier user message's parent to edit it. */
  parentId: Type.Union([Id, Type.Null()]),
  content: Type.String({ minLength: 1, maxLength: 1_000_000 }),
  /** Ask for alternatives per token (log-probability hover). */
  topNTokens: TopNTokens,
});
export type SendMessage = Static<typeof SendMessage>;
export const Regenerate = Type.Object({ conversationId: Id, userMessageId: Id, topNTokens: TopNTokens });
export const StopGeneration = Type.Object({ conversationId: Id, messageId: Type.Optional(Id) });
export const ContinueReply = Type.Object({ conversationId: Id, messageId: Id });
export const ContextUsageRequest = Type.Object({
  /** null: a new chat (its settings are the defaults). */
  conversationId: Type.Union([Id, Type.Null()]),
  /** The message the next one goes under; null: none. */
  parentId: Type.Union([Id, Type.Null()]),
  draft: Type.String({ maxLength: 1_000_000 }),
});
/**
 * What the next reply's prompt takes of the context: the window's meter. A prompt past the context is counted
 * all the same, so the window can say by how much; one with more characters than could ever fit is not
 * tokenized at all (that would stall Brook for seconds), and says so.
 */
export const ContextUsage = Type.Union([
  Type.Object({
    promptTokens: Type.Integer({ minimum: 0 }),
    contextSize: Type.Integer({ minimum: 1 }),
    /** Tokens past what a prompt may take (the context less one token for the reply); 0 when it fits. */
    overflowTokens: Type.Integer({ minimum: 0 }),
  }),
  Type.Object({
    /** Too long to count. */
    promptTokens: Type.Null(),
    contextSize: Type.Integer({ minimum: 1 }),
    characters: Type.Integer({ minimum: 0 }),
    /** The most characters a prompt that fits could have. */
    maxCharacters: Type.Integer({ minimum: 0 }),
  }),
]);
export type ContextUsage = Static<typeof ContextUsage>;

export interface ExportedConversation {
  filename: string;
  mimeType: string;
  content: string;
}
