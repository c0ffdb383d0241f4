// The frames of the window's event stream, GET /app/events (browser mode). Types only: the renderer imports them.
import type { ApiRequestInfo, AppStatus, ReplyUpdate } from '../wire/bridge.js';

/**
 * One `data: <AppEvent>` frame. A reply frame carries `offset`, the length of the reply's text before this
 * update, so a window that joins mid-reply can line the update up with the text it fetched. A requests frame
 * carries the whole list of requests from other tools (sent on connect and after each change).
 */
export type AppEvent =
  | { type: 'status'; status: AppStatus }
  | { type: 'reply'; update: ReplyUpdate; offset: number }
  | { type: 'requests'; requests: ApiRequestInfo[] };
