// Electron main process: lifecycle, the one window, its security settings, the menu, and IPC — thin
// adapters over the core (electron/core), which also runs headless without Electron (electron/cli.ts).
import { app, BrowserWindow, dialog, ipcMain, session, shell, type IpcMainInvokeEvent, type OpenDialogOptions, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Brook } from '../core/Brook.js';
import { ConfigError, USAGE, type BrookConfig } from '../core/config.js';
import type { Unsubscribe } from '../core/wire/bridge.js';
import type { EndpointChange } from '../core/wire/endpoint.js';
import { desktopConfig, type DesktopConfig } from './desktopConfig.js';
import { applyEndpointPrefs, ENDPOINT_PREFS_FILE, EndpointPrefsFile } from './endpointPrefs.js';
import { IPC_EVENTS, type IpcEventChannel } from './ipcChannels.js';
import { createIpcHandlers } from './ipcHandlers.js';
import { installMenu } from './menu.js';
import { CONTENT_SECURITY_POLICY, createSenderPolicy, isExternalWebUrl, isRendererUrl, rendererLocation, type IpcSender } from './security.js';

/** How long shutdown may take (stop replies, save them, close the server, free the model) before the app exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

const PRELOAD = join(import.meta.dirname, '../preload/index.cjs');
const INDEX_HTML = join(import.meta.dirname, '../renderer/index.html');
const RENDERER_URL = rendererLocation(process.env.ELECTRON_RENDERER_URL, pathToFileURL(INDEX_HTML).href, app.isPackaged);

interface Core {
  brook: Brook;
  /** Why the loopback endpoint is off, when it is. */
  endpointError: string | null;
  /** The Endpoint panel's choices, saved in the user data folder. */
  endpointPrefs: EndpointPrefsFile;
}

let mainWindow: BrowserWindow | null = null;
let core: Core | null = null;
let coreStarting: Promise<Core> | null = null;
const cleanups: Unsubscribe[] = [];

// Every renderer sandboxed, whatever a webPreferences says.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Brook is running: it focuses its window (second-instance below); this one leaves at once.
  app.quit();
} else {
  start();
}

function start(): void {
  let parsed: ReturnType<typeof desktopConfig>;
  try {
    parsed = desktopConfig(process.argv, {
      userData: app.getPath('userData'),
      modelsDir: app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'resources', 'models'),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    app.whenReady().then(() => {
      dialog.showErrorBox('Brook: invalid option', error.message);
      app.exit(2);
    });
    return;
  }
  if (parsed === 'help') {
    console.log(USAGE.replace('npm run serve --', 'brook'));
    app.exit(0);
    return;
  }

  app.on('second-instance', () => showWindow());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showWindow());
  app.on('before-quit', onBeforeQuit);
  process.on('SIGINT', () => app.quit());
  process.on('SIGTERM', () => app.quit());

  // The server and the chats start while Electron gets ready; the model loads in the background.
  coreStarting = startCore(parsed);
  void Promise.all([app.whenReady(), coreStarting]).then(
    ([, started]) => {
      core = started;
      secureSession();
      installMenu({ openModel: () => void openModelFromMenu() });
      registerIpc(started);
      showWindow();
      if (started.endpointError) {
        void dialog.showMessageBox({ type: 'warning', title: 'Brook', message: "Brook's local endpoint is off", detail: started.endpointError });
      }
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`Brook could not start: ${message}`);
      void app.whenReady().then(() => {
        dialog.showErrorBox('Brook could not start', message);
        app.exit(1);
      });
    },
  );
}

/**
 * Brook's core with the loopback endpoint as the user left it (on unless turned off in the Endpoint panel): a
 * busy default port falls back to a free one, any other failure turns the endpoint off and says why.
 */
async function startCore(desktop: DesktopConfig): Promise<Core> {
  const endpointPrefs = await EndpointPrefsFile.open(join(app.getPath('userData'), ENDPOINT_PREFS_FILE));
  let { config, serve, portExplicit } = applyEndpointPrefs(desktop.config, desktop, endpointPrefs.current);
  let started: Awaited<ReturnType<typeof Brook.start>>;
  let endpointError: string | null = null;
  try {
    started = await Brook.start(config, { serve });
  } catch (error) {
    if (!portExplicit && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.warn(`Port ${config.port} is in use; the endpoint takes a free port instead.`);
      config = { ...config, port: 0 };
      started = await Brook.start(config, { serve });
    } else {
      endpointError = error instanceof Error ? error.message : String(error);
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') endpointError = `Port ${config.port} is already in use by another program. Choose another port in the Local API panel.`;
      console.error(`The loopback endpoint is off: ${endpointError}`);
      started = await Brook.start(config, { serve: false, endpointError });
    }
  }
  const { brook, modelLoaded } = started;
  modelLoaded.catch((error: unknown) => console.error(error instanceof Error ? error.message : error));
  if (brook.server) console.log(`Brook's endpoint is listening on ${brook.server.url}`);
  else if (!serve) console.log("Brook's endpoint is off (turned off in the Local API panel).");
  console.log(`Conversations are saved in ${brook.store.dir}`);
  return { brook, endpointError, endpointPrefs };
}

function secureSession(): void {
  const ses = session.defaultSession;
  // No camera, microphone, notifications, geolocation, clipboard reads, MIDI, HID, serial, USB…
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The CSP as a response header too (the dev server's pages; file:// pages where Electron reports headers);
  // renderer/index.html carries the same policy in its meta tag.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

/** No new windows, no navigation, no webviews, in any webContents; http(s) links go to the system browser. */
function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!isRendererUrl(url, RENDERER_URL)) openExternally(url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function openExternally(url: string): void {
  if (isExternalWebUrl(url)) void shell.openExternal(url).catch((error: unknown) => console.warn(`Could not open ${url}: ${(error as Error).message}`));
}

function showWindow(): void {
  if (!core) return;
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
    return;
  }
  mainWindow = createWindow(core);
}

function createWindow({ brook }: Core): BrowserWindow {
  const iconPath = join(app.getAppPath(), 'build', 'icon.png');
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 420,
    minHeight: 360,
    title: 'Brook',
    show: false,
    ...(process.platform === 'linux' && existsSync(iconPath) ? { icon: iconPath } : {}),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Chromium's spellchecker downloads dictionaries from Google; Brook stays offline.
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => console.error(`The window's renderer ended: ${details.reason}`));
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
    // The window's replies have no one to show them to: stop them (they are saved as stopped).
    void brook.chats.stopAll().catch((error: unknown) => console.warn(`Could not stop the replies: ${(error as Error).message}`));
  });
  if (RENDERER_URL.startsWith('file:')) void window.loadFile(INDEX_HTML);
  else void window.loadURL(RENDERER_URL);
  return window;
}

function sendToWindow(channel: IpcEventChannel, payload: unknown): void {
  const contents = mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null;
  if (contents && !contents.isDestroyed()) contents.send(channel, payload);
}

function senderOf(event: IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null };
}

function registerIpc({ brook, endpointPrefs }: Core): void {
  const handlers = createIpcHandlers(
    {
      chats: brook.chats,
      status: () => brook.status(),
      // A path from the page is not used: Electron asks with a native dialog.
      openModel: () => openModel(brook),
      useRemote: (remote) => brook.useRemote({ url: remote.url, protocol: remote.protocol ?? 'auto', apiKey: remote.apiKey ?? null }),
      endpointSettings: () => brook.endpointSettings(),
      configureEndpoint: (change) => configureEndpoint(brook, endpointPrefs, change),
      requests: brook.requests,
    },
    {
      isTrustedSender: createSenderPolicy({
        rendererUrl: RENDERER_URL,
        windowIds: () => (mainWindow && !mainWindow.isDestroyed() ? [mainWindow.webContents.id] : []),
      }),
    },
  );
  for (const [channel, handler] of Object.entries(handlers)) {
    ipcMain.handle(channel, (event, payload: unknown) => handler(senderOf(event), payload));
  }
  cleanups.push(
    brook.chats.onReply((update) => sendToWindow(IPC_EVENTS.reply, update)),
    brook.onStatus((status) => sendToWindow(IPC_EVENTS.status, status)),
    brook.requests.onChange((requests) => sendToWindow(IPC_EVENTS.requests, requests)),
  );
}

/** Applies a change from the Endpoint panel, then saves it for the next start (a failed save is only reported). */
async function configureEndpoint(brook: Brook, prefs: EndpointPrefsFile, change: EndpointChange) {
  const settings = await brook.configureEndpoint(change);
  await prefs.record(change, settings).catch((error: unknown) => console.warn(`Could not save the endpoint settings in ${prefs.path}: ${(error as Error).message}`));
  if (settings.url) console.log(`Brook's endpoint is listening on ${settings.url}`);
  return settings;
}

/** A native dialog for another GGUF file; resolves once it is loaded (rejects, keeping the old model, when it cannot be). */
async function openModel(brook: Brook): Promise<void> {
  const options: OpenDialogOptions = {
    title: 'Open a GGUF model',
    properties: ['openFile'],
    filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
  };
  const window = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  const path = result.filePaths[0];
  if (result.canceled || !path) return;
  await brook.openModel(path);
}

async function openModelFromMenu(): Promise<void> {
  if (!core) return;
  try {
    await openModel(core.brook);
  } catch (error) {
    dialog.showErrorBox('Brook could not open the model', error instanceof Error ? error.message : String(error));
  }
}

let quitState: 'running' | 'stopping' | 'stopped' = 'running';

/** Stops the replies (saved as stopped), closes the endpoint and frees the model before Electron quits; never hangs. */
function onBeforeQuit(event: Electron.Event): void {
  if (quitState === 'stopped') return;
  event.preventDefault();
  if (quitState === 'stopping') return;
  quitState = 'stopping';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SHUTDOWN_TIMEOUT_MS);
  });
  void Promise.race([shutdownCore(), timedOut]).then((outcome) => {
    clearTimeout(timer);
    quitState = 'stopped';
    if (outcome === 'timeout') {
      console.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS / 1000} s; quitting anyway.`);
      app.exit(0);
    } else {
      app.quit();
    }
  });
}

async function shutdownCore(): Promise<'done'> {
  for (const cleanup of cleanups.splice(0)) cleanup();
  try {
    const started = core ?? (await coreStarting?.catch(() => null));
    // Stops and saves the replies (ChatService.stopAll), ends open streams, closes the server, frees the model.
    if (started) await started.brook.close();
  } catch (error) {
    console.error(`Shutdown: ${error instanceof Error ? error.message : String(error)}`);
  }
  return 'done';
}
