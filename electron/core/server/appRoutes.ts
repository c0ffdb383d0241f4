// The window's Bridge over HTTP (browser mode, `npm run serve` → /ui/): one route per command of the command
// table (wire/bridgeCommands.ts), each running the core's handler for it (bridgeHandlers.ts, which validates
// with the command's schema, as the IPC handlers do). Replies, status and the requests from other tools reach
// the window over one Server-Sent Events stream, GET /app/events. The renderer's HttpBridge is derived from
// the same table.
import type { FastifyInstance } from 'fastify';
import { bridgeHandlers, type BridgeServices } from '../bridgeHandlers.js';
import type { ChatService } from '../chats/ChatService.js';
import type { AppStatus, Unsubscribe } from '../wire/bridge.js';
import { BRIDGE_COMMANDS, type BridgeCommand } from '../wire/bridgeCommands.js';
import type { AppEvent } from './appEvents.js';
import { AppEventHub } from './AppEventHub.js';
import type { ServerContext } from './ServerContext.js';
import { SseStream } from './SseStream.js';

export interface AppRoutesOptions extends Omit<BridgeServices, 'requests' | 'chats'> {
  chats: ChatService;
  onStatus(listener: (status: AppStatus) => void): Unsubscribe;
}

// The window's private protocol: kept out of the public OpenAPI document.
const hidden = { hide: true } as const;

export function appRoutes(options: AppRoutesOptions) {
  return (app: FastifyInstance, context: ServerContext): void => {
    const { chats } = options;
    const hub = new AppEventHub();

    // Text already sent per reply, so each frame can say where its text goes.
    const offsets = new Map<string, number>();
    const stopReplies = chats.onReply((update) => {
      const offset = offsets.get(update.messageId) ?? 0;
      if (update.final) offsets.delete(update.messageId);
      else offsets.set(update.messageId, offset + update.text.length);
      hub.broadcast({ type: 'reply', update, offset });
    });
    const stopStatus = options.onStatus((status) => hub.broadcast({ type: 'status', status }));
    const stopRequests = context.requests.onChange((requests) => hub.broadcast({ type: 'requests', requests }));
    app.addHook('onClose', async () => {
      stopReplies();
      stopStatus();
      stopRequests();
      hub.close();
    });

    app.get('/app/events', { schema: hidden }, (_request, reply) => {
      const stream = SseStream.open(reply);
      const close = () => stream.end();
      context.shutdown.addEventListener('abort', close, { once: true });
      void stream.closed.then(() => context.shutdown.removeEventListener('abort', close));
      hub.add(stream, [
        { type: 'status', status: options.status() },
        { type: 'requests', requests: context.requests.list() },
      ] satisfies AppEvent[]);
    });

    // Requests from other tools (never the window's own replies, which do not go through the API routes).
    const handlers = bridgeHandlers({ ...options, requests: context.requests });
    for (const command of Object.keys(BRIDGE_COMMANDS) as BridgeCommand[]) {
      const { method, path } = BRIDGE_COMMANDS[command];
      app.route({
        method,
        url: path,
        schema: hidden,
        handler: async (request, reply) => {
          // The payload is the path's parameters, the query and the body together; the handler validates it.
          const payload = { ...(request.query as object), ...(request.body as object | undefined), ...(request.params as object) };
          const value = await handlers[command](payload);
          if (value === null) return reply.status(204).send();
          // Always JSON, a plain string or boolean too (Fastify would send a string as text).
          return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
        },
      });
    }
  };
}
