// The IPC channels between the window (preload) and the main process, derived from the Bridge's command table.
// Only table data is imported: the sandboxed preload bundles this file as is.
import { BRIDGE_COMMANDS, BRIDGE_EVENTS, commandChannel, eventChannel, type BridgeCommand, type BridgeEvent } from '../core/wire/bridgeCommands.js';

export type { IpcResponse } from '../core/wire/bridgeCommands.js';

/** Commands: the window invokes them (ipcRenderer.invoke → ipcMain.handle); each answers an IpcResponse. */
export const IPC = Object.fromEntries((Object.keys(BRIDGE_COMMANDS) as BridgeCommand[]).map((command) => [command, commandChannel(command)])) as {
  [C in BridgeCommand]: `brook:${C}`;
};

export type IpcChannel = (typeof IPC)[BridgeCommand];

/** Events: the main process pushes them to the window (webContents.send → ipcRenderer.on). */
export const IPC_EVENTS = Object.fromEntries((Object.keys(BRIDGE_EVENTS) as BridgeEvent[]).map((event) => [event, eventChannel(event)])) as {
  [E in BridgeEvent]: `brook:event:${E}`;
};

export type IpcEventChannel = (typeof IPC_EVENTS)[BridgeEvent];
