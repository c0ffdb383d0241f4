// The window's Bridge over HTTP (browser mode, `npm run serve` → /ui/). One route per Bridge method, each
// validated with the same wire schemas as the IPC handlers; replies, status and the requests from other tools
// reach the window over one Server-Sent Events stream, GET /app/events. The renderer's HttpBridge is the other half of this mapping.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ChatService } from '../chats/ChatService.js';
import type { AppStatus, Unsubscribe } from '../wire/bridge.js';
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
} from '../wire/chats.js';
import { ApiRequestRef, EndpointChange, type EndpointSettings } from '../wire/endpoint.js';
import type { AppEvent } from './appEvents.js';
import type { ServerContext } from './ServerContext.js';
import { SseStream } from './SseStream.js';

export const OpenModel = Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }) });

export interface AppRoutesOptions {
  chats: ChatService;
  status(): AppStatus;
  onStatus(listener: (status: AppStatus) => void): Unsubscribe;
  openModel(path: string): Promise<void>;
  endpointSettings(): EndpointSettings;
  /** Refused in browser mode (the window is served by the endpoint); the route is here for the Bridge's sake. */
  configureEndpoint(change: Static<typeof EndpointChange>): Promise<EndpointSettings>;
}

// The window's private protocol: kept out of the public OpenAPI document.
const hidden = { hide: true } as const;

export function appRoutes(options: AppRoutesOptions) {
  return (app: FastifyInstance, context: ServerContext): void => {
    const { chats } = options;
    const clients = new Set<SseStream>();
    const broadcast = (event: AppEvent) => {
      for (const client of clients) void client.send(event);
    };

    // Text already sent per reply, so each frame can say where its text goes.
    const offsets = new Map<string, number>();
    const stopReplies = chats.onReply((update) => {
      const offset = offsets.get(update.messageId) ?? 0;
      if (update.final) offsets.delete(update.messageId);
      else offsets.set(update.messageId, offset + update.text.length);
      broadcast({ type: 'reply', update, offset });
    });
    const stopStatus = options.onStatus((status) => broadcast({ type: 'status', status }));
    const stopRequests = context.requests.onChange((requests) => broadcast({ type: 'requests', requests }));
    app.addHook('onClose', async () => {
      stopReplies();
      stopStatus();
      stopRequests();
      for (const client of clients) client.end();
      clients.clear();
    });

    app.get('/app/events', { schema: hidden }, (_request, reply) => {
      const stream = SseStream.open(reply);
      clients.add(stream);
      const close = () => {
        clients.delete(stream);
        stream.end();
        context.shutdown.removeEventListener('abort', close);
      };
      // The response closes when the client goes away (or the stream is ended here).
      reply.raw.on('close', close);
      context.shutdown.addEventListener('abort', close);
      void stream.send({ type: 'status', status: options.status() } satisfies AppEvent);
      void stream.send({ type: 'requests', requests: context.requests.list() } satisfies AppEvent);
    });

    app.get('/app/status', { schema: hidden }, async () => options.status());

    app.post('/app/model', { schema: { ...hidden, body: OpenModel } }, async (request, reply) => {
      await options.openModel((request.body as Static<typeof OpenModel>).path);
      return reply.status(204).send();
    });

    app.get('/app/endpoint', { schema: hidden }, async () => options.endpointSettings());

    app.post('/app/endpoint', { schema: { ...hidden, body: EndpointChange } }, async (request) =>
      options.configureEndpoint(request.body as Static<typeof EndpointChange>),
    );

    // Requests from other tools (never the window's own replies, which do not go through the API routes).
    app.get('/app/requests', { schema: hidden }, async () => context.requests.list());

    app.post('/app/requests/:id/cancel', { schema: { ...hidden, params: ApiRequestRef } }, async (request) => ({
      cancelled: context.requests.cancel((request.params as Static<typeof ApiRequestRef>).id),
    }));

    app.get('/app/conversations', { schema: { ...hidden, querystring: SearchConversations } }, async (request) =>
      chats.list((request.query as Static<typeof SearchConversations>).query),
    );

    app.post('/app/conversations', { schema: hidden }, async () => chats.create());

    app.get('/app/conversations/:conversationId', { schema: { ...hidden, params: ConversationRef } }, async (request) =>
      chats.get((request.params as Static<typeof ConversationRef>).conversationId),
    );

    app.delete('/app/conversations/:conversationId', { schema: { ...hidden, params: ConversationRef } }, async (request, reply) => {
      await chats.delete((request.params as Static<typeof ConversationRef>).conversationId);
      return reply.status(204).send();
    });

    app.post('/app/rename', { schema: { ...hidden, body: RenameConversation } }, async (request, reply) => {
      const body = request.body as Static<typeof RenameConversation>;
      await chats.rename(body.conversationId, body.title);
      return reply.status(204).send();
    });

    app.post('/app/settings', { schema: { ...hidden, body: UpdateSettings } }, async (request) => {
      const body = request.body as Static<typeof UpdateSettings>;
      return chats.updateSettings(body.conversationId, body.settings);
    });

    app.post('/app/branch', { schema: { ...hidden, body: SelectBranch } }, async (request) => {
      const body = request.body as Static<typeof SelectBranch>;
      return chats.selectBranch(body.conversationId, body.messageId);
    });

    app.post('/app/export', { schema: { ...hidden, body: ExportConversation } }, async (request) => {
      const body = request.body as Static<typeof ExportConversation>;
      return chats.export(body.conversationId, body.format);
    });

    app.post('/app/send', { schema: { ...hidden, body: SendMessage } }, async (request) => {
      const body = request.body as Static<typeof SendMessage>;
      return chats.send(body.conversationId, body.parentId, body.content, body.topNTokens ?? undefined);
    });

    app.post('/app/regenerate', { schema: { ...hidden, body: Regenerate } }, async (request) => {
      const body = request.body as Static<typeof Regenerate>;
      return chats.regenerate(body.conversationId, body.userMessageId, body.topNTokens ?? undefined);
    });

    app.post('/app/stop', { schema: { ...hidden, body: StopGeneration } }, async (request, reply) => {
      const body = request.body as Static<typeof StopGeneration>;
      await chats.stop(body.conversationId, body.messageId);
      return reply.status(204).send();
    });
  };
}

