// The window's one interface to Brook. In Electron the preload implements it over IPC; in a browser
// (`npm run serve`, /ui/) it is implemented over HTTP. The renderer imports these with `import type` only.
import type { ChatSettings, ContextUsage, Conversation, ConversationSummary, ExportedConversation, Message, MessageToken } from './chats.js';
import type { ApiRequestInfo, EndpointChange, EndpointSettings } from './endpoint.js';
import type { RemoteServer } from './remote.js';

export type { ApiRequestInfo, ApiRequestState, EndpointChange, EndpointSettings, OllamaPortState } from './endpoint.js';
export type { RemoteServer } from './remote.js';

export type Unsubscribe = () => void;

/** Where the model runs: this machine, a remote server Brook forwards to, or the scripted test backend. */
export type BackendKind = 'local' | 'remote' | 'scripted';

/** The model served, as its backend describes it. */
export interface ModelInfo {
  backend: BackendKind;
  id: string;
  /** The GGUF file, or the remote server's URL. */
  path: string;
  /** Size of the model file; null where it is not known (remote). */
  sizeBytes: number | null;
  trainContextSize: number;
  /** Tokens per sequence: the max total tokens of one request. */
  contextSize: number;
  sequences: number;
  /** CPU threads; null where not known (remote). */
  threads: number | null;
  gpu: string | false;
  /** The remote server's protocol, for a remote backend. */
  protocol?: 'tgi' | 'openai';
}

export type ModelState =
  | { state: 'loading'; progress: number; path: string }
  | { state: 'ready'; info: ModelInfo }
  | { state: 'error'; path: string; error: string };

export interface EndpointState {
  /** e.g. http://127.0.0.1:8080; null while off. */
  url: string | null;
  enabled: boolean;
  port: number;
  apiKeySet: boolean;
}

export interface AppStatus {
  model: ModelState;
  endpoint: EndpointState;
  /** Requests generating or queued now, all front doors together. */
  busy: { inFlight: number; queued: number };
}

/** New output of one reply since the previous update; at most one update per reply per animation frame. */
export interface ReplyUpdate {
  conversationId: string;
  messageId: string;
  /** Text to append to the reply. */
  text: string;
  tokens: MessageToken[];
  /** Before the first token of a long prompt: how much of it the model has read, 0…1. */
  promptProgress?: number;
  /** Set once, on the last update: the reply as saved (complete, stopped or error, with its stats). */
  final?: Message;
}

export interface SendResult {
  userMessage: Message;
  assistantMessage: Message;
}

export interface Bridge {
  /** 'electron' or 'browser': the window hides what a mode cannot do (e.g. a native file dialog). */
  readonly mode: 'electron' | 'browser';
  /** Browser mode, while Brook is not answering: try again now rather than after the current wait. IPC: nothing to do. */
  reconnect(): void;

  status(): Promise<AppStatus>;
  onStatus(listener: (status: AppStatus) => void): Unsubscribe;
  /** Opens another GGUF file: a native dialog in Electron, the given path in a browser. */
  openModel(path?: string): Promise<void>;
  /**
   * Serves from a remote TGI, vLLM, llama.cpp or Brook server instead of the local model; resolves once it
   * answered (the current model keeps serving if it cannot be reached, and the error says why).
   */
  useRemote(remote: RemoteServer): Promise<void>;

  listConversations(query?: string): Promise<ConversationSummary[]>;
  getConversation(conversationId: string): Promise<Conversation>;
  createConversation(): Promise<Conversation>;
  renameConversation(conversationId: string, title: string): Promise<void>;
  deleteConversation(conversationId: string): Promise<void>;
  updateSettings(conversationId: string, settings: Partial<ChatSettings>): Promise<Conversation>;
  /** Shows `messageId` among its siblings (the ‹ 2/3 › arrows). */
  selectBranch(conversationId: string, messageId: string): Promise<Conversation>;
  exportConversation(conversationId: string, format: 'markdown' | 'json'): Promise<ExportedConversation>;

  /** Adds a user message under `parentId` (an edit is a new sibling of the edited message) and starts the reply. */
  send(conversationId: string, parentId: string | null, content: string, topNTokens?: number): Promise<SendResult>;
  /** A new reply to `userMessageId`, as a sibling version of the earlier replies. */
  regenerate(conversationId: string, userMessageId: string, topNTokens?: number): Promise<Message>;
  /** Stops the conversation's reply within one token; the partial text is kept and marked stopped. */
  stop(conversationId: string): Promise<void>;
  /** Resumes a stopped reply: the same message streams on from where it stopped (its status back to streaming). */
  continueReply(conversationId: string, messageId: string): Promise<Message>;
  /** What the next reply's prompt takes: the active path up to `parentId` (null: a new chat) and then `draft`. */
  contextUsage(conversationId: string | null, parentId: string | null, draft: string): Promise<ContextUsage>;
  /** A short title for a chat, written by the model from its first exchange (the window then renames the chat). */
  suggestTitle(conversationId: string): Promise<string>;
  onReply(listener: (update: ReplyUpdate) => void): Unsubscribe;

  /** The loopback endpoint for other tools: on or off, URL and port, API key (the Endpoint panel). */
  endpointSettings(): Promise<EndpointSettings>;
  /**
   * Turns the endpoint on or off, moves it to another port, or sets, generates (`apiKey: "generate"`) or
   * clears (`apiKey: null`) its key; the server restarts with the new settings and they are kept for the
   * next start. A port in use is refused with a message saying so, and the running server is kept.
   * `ollama` turns the second listener on Ollama's port on or off; a port it cannot have shows in
   * EndpointSettings.ollama.error. Refused in browser mode (EndpointSettings.configurable is false there),
   * except `ollama` alone: that listener does not serve the window.
   */
  configureEndpoint(change: EndpointChange): Promise<EndpointSettings>;
  /** Requests from other tools: those queued or generating now and the last finished ones, oldest first. */
  listApiRequests(): Promise<ApiRequestInfo[]>;
  /** Called with the whole list whenever it changes (token counts a few times a second). */
  onApiRequests(listener: (requests: ApiRequestInfo[]) => void): Unsubscribe;
  /** Stops a request from another tool within one token (its client sees its stream end); false if it had already ended. */
  cancelApiRequest(id: string): Promise<boolean>;
}
