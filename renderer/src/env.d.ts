import type { IpcTransport } from '../../electron/core/wire/bridgeCommands.js';

declare global {
  interface Window {
    /** The Electron preload's IPC transport for the Bridge; absent in a browser (HTTP is used there). */
    brook?: IpcTransport;
  }
}

declare module 'highlight.js/lib/core' {
  import hljs from 'highlight.js';
  export default hljs;
}
