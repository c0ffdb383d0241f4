// The window's one API: `window.brook`, a narrow IPC transport for the Bridge's commands and events. Nothing
// else reaches the page: no ipcRenderer, no Node. The renderer builds the Bridge over it from the same command
// table (renderer/src/bridge/commandBridge.ts). Errors come back as data with their type: an Error thrown
// across contextBridge would keep only its message. Bundled as CJS (out/preload/index.cjs) for the sandbox,
// which can only `require` electron's renderer modules, so this file imports nothing but table data and types.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_COMMANDS, BRIDGE_EVENTS, commandChannel, eventChannel, type IpcResponse, type IpcTransport } from '../core/wire/bridgeCommands.js';

const transport: IpcTransport = {
  mode: 'electron',
  invoke: async (command, payload) => {
    if (!Object.hasOwn(BRIDGE_COMMANDS, command)) return { ok: false, error: `Unknown command "${String(command)}".`, error_type: 'validation' };
    return (await ipcRenderer.invoke(commandChannel(command), payload)) as IpcResponse;
  },
  on: (event, listener) => {
    if (!Object.hasOwn(BRIDGE_EVENTS, event)) throw new TypeError(`Unknown event "${String(event)}".`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const channel = eventChannel(event);
    const handler = (_event: IpcRendererEvent, value: unknown) => listener(value);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
};

contextBridge.exposeInMainWorld('brook', transport);
