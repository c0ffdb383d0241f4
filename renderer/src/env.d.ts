import type { Bridge } from '../../electron/core/wire/bridge.js';

declare global {
  interface Window {
    /** The Electron preload's IPC implementation of the Bridge; absent in a browser (HTTP is used there). */
    brook?: Bridge;
  }
}

declare module 'highlight.js/lib/core' {
  import hljs from 'highlight.js';
  export default hljs;
}
