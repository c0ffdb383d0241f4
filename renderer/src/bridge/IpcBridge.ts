// The Bridge in Electron: the commands of the table over the preload's IPC transport (window.brook).
import type { IpcTransport } from '../../../electron/core/wire/bridgeCommands.js';
import { commandMethods } from './commandBridge';
import { BridgeError } from './errors';
import type { AppStatus, ApiRequestInfo, Bridge, ReplyUpdate, Unsubscribe } from './types';

export function createIpcBridge(transport: IpcTransport): Bridge {
  const commands = commandMethods(async (command, payload) => {
    const response = await transport.invoke(command, payload);
    // The error's type survives IPC: the window's hints and refreshes depend on it.
    if (!response.ok) throw new BridgeError(response.error, response.error_type, 0);
    // Commands that answer nothing resolve to undefined, as over HTTP (204).
    return response.value ?? undefined;
  });
  return {
    mode: 'electron',
    ...commands,
    // IPC to the main process does not drop: there is no connection to retry.
    reconnect: () => undefined,
    onStatus: (listener: (status: AppStatus) => void): Unsubscribe => transport.on('status', (value) => listener(value as AppStatus)),
    onReply: (listener: (update: ReplyUpdate) => void): Unsubscribe => transport.on('reply', (value) => listener(value as ReplyUpdate)),
    onApiRequests: (listener: (requests: ApiRequestInfo[]) => void): Unsubscribe => transport.on('requests', (value) => listener(value as ApiRequestInfo[])),
  };
}
