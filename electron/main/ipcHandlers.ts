// The window's commands over IPC as plain functions (no Electron here, so Vitest calls them directly): each
// checks who sent it, then runs the core's handler for the command (which validates the payload with the
// command's schema, as the HTTP app routes do) and answers an IpcResponse, the error's type kept.
// main/index.ts registers them with ipcMain.handle.
import { bridgeHandlers, type BridgeServices } from '../core/bridgeHandlers.js';
import { ApiError } from '../core/errors.js';
import type { BridgeCommand } from '../core/wire/bridgeCommands.js';
import { IPC, type IpcChannel, type IpcResponse } from './ipcChannels.js';
import type { IpcSender } from './security.js';

export interface IpcHandlerOptions {
  /** Whether a command from this sender is accepted (see createSenderPolicy). */
  isTrustedSender: (sender: IpcSender) => boolean;
  warn?: (message: string) => void;
}

export type IpcHandler = (sender: IpcSender, payload: unknown) => Promise<IpcResponse>;

export const FORBIDDEN_SENDER = 'This command is only accepted from the Brook window.';

/** channel → handler, one per command of the Bridge. */
export function createIpcHandlers(services: BridgeServices, options: IpcHandlerOptions): Record<IpcChannel, IpcHandler> {
  const warn = options.warn ?? ((message: string) => console.warn(`[ipc] ${message}`));
  const handlers = bridgeHandlers(services);
  const ipc = {} as Record<IpcChannel, IpcHandler>;
  for (const command of Object.keys(handlers) as BridgeCommand[]) {
    const channel = IPC[command];
    ipc[channel] = async (sender, payload) => {
      if (!options.isTrustedSender(sender)) {
        warn(`refused ${channel} from webContents ${sender.webContentsId} (${sender.frameUrl ?? 'no frame'}${sender.isMainFrame ? '' : ', a subframe'})`);
        return { ok: false, error: FORBIDDEN_SENDER, error_type: 'forbidden' };
      }
      try {
        return { ok: true, value: await handlers[command](payload) };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: error.message, error_type: error.errorType };
        const message = error instanceof Error ? error.message : String(error);
        warn(`${channel} failed: ${message}`);
        return { ok: false, error: message, error_type: 'internal' };
      }
    };
  }
  return ipc;
}
