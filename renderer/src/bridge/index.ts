import { createIpcBridge } from './IpcBridge';
import { HttpBridge } from './HttpBridge';
import type { Bridge } from './types';

/** IPC when the Electron preload exposed `window.brook`, HTTP (browser mode, /ui/) otherwise. */
export function createBridge(): Bridge {
  return window.brook ? createIpcBridge(window.brook) : new HttpBridge();
}

export { HttpBridge };
export type { ConnectionState } from './HttpBridge';
