// A small stand-in for the `electron` module, enough for main/index.ts to run under Vitest where no Electron
// binary exists: it records what main asks of Electron (windows, IPC handlers, session rules, menus) and
// lets a test play Electron's part (ready, IPC invokes, window close, quit). Only for tests.
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export const fakeEvent = (): FakeEvent => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
});

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static windows: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.windows.filter((window) => !window.destroyed);
  }
  readonly webContents = new FakeWebContents();
  loaded: { file?: string; url?: string } = {};
  destroyed = false;
  visible = false;
  focused = 0;
  minimized = false;
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.windows.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  async loadFile(file: string): Promise<void> {
    this.loaded = { file };
    setImmediate(() => this.emit('ready-to-show'));
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = { url };
    setImmediate(() => this.emit('ready-to-show'));
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused += 1;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user closes the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (FakeBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  readonly paths = new Map<string, string>();
  appPath = process.cwd();
  readyResolve!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  sandboxEnabled = false;
  quitRequests = 0;
  /** Set when quitting went through (before-quit was not prevented), or by exit(). */
  ended: { how: 'quit' } | { how: 'exit'; code: number } | null = null;

  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`no fake path for ${name}`);
    return path;
  }
  getAppPath(): string {
    return this.appPath;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  quit(): void {
    this.quitRequests += 1;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.ended = { how: 'quit' };
  }
  exit(code = 0): void {
    this.ended = { how: 'exit', code };
  }
}

export const app = new FakeApp();

export const ipcMain = {
  handlers: new Map<string, (event: unknown, payload: unknown) => unknown>(),
  handle(channel: string, handler: (event: unknown, payload: unknown) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
};

type HeadersListener = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;

export const session = {
  defaultSession: {
    permissionRequestHandler: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    devicePermissionHandler: null as null | ((...args: unknown[]) => boolean),
    headersListener: null as HeadersListener | null,
    setPermissionRequestHandler(handler: typeof this.permissionRequestHandler) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: typeof this.permissionCheckHandler) {
      this.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: typeof this.devicePermissionHandler) {
      this.devicePermissionHandler = handler;
    },
    webRequest: {
      onHeadersReceived(listener: HeadersListener) {
        session.defaultSession.headersListener = listener;
      },
    },
  },
};

export const shell = {
  opened: [] as string[],
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  },
};

export const dialog = {
  errors: [] as { title: string; content: string }[],
  messages: [] as unknown[],
  nextOpen: { canceled: true, filePaths: [] as string[] },
  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  },
  async showMessageBox(options: unknown): Promise<{ response: number }> {
    this.messages.push(options);
    return { response: 0 };
  },
  async showOpenDialog(..._args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    return this.nextOpen;
  },
};

export const Menu = {
  current: null as unknown,
  buildFromTemplate(template: unknown): unknown {
    return { template };
  },
  setApplicationMenu(menu: unknown): void {
    this.current = menu;
  },
};

export { FakeBrowserWindow as BrowserWindow };

export default { app, BrowserWindow: FakeBrowserWindow, ipcMain, session, shell, dialog, Menu };
