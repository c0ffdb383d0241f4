// The window's security rules that need no Electron: the CSP, which pages count as our renderer, which
// links may leave for the system browser. Unit-tested in security.test.ts.

/**
 * The policy of renderer/index.html's <meta http-equiv="Content-Security-Policy"> (the file:// page has no
 * response headers; the meta tag is what applies there). security.test.ts fails if the two drift apart.
 */
export const RENDERER_CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
] as const;

/**
 * Sent as a response header wherever the session sees responses (the dev server, and file:// where
 * Electron reports it): the meta policy plus directives a meta tag cannot carry or that only tighten it.
 * Two policies on one page both apply, so the stricter one wins wherever they differ.
 */
export const CONTENT_SECURITY_POLICY = [
  ...RENDERER_CSP_DIRECTIVES,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where our renderer lives: the built page (file://…/out/renderer/index.html), or in development the dev
 * server that `electron-vite dev` names in ELECTRON_RENDERER_URL — only an http URL on a loopback address,
 * and never in a packaged app (an environment variable must not point our preload at another page).
 */
export function rendererLocation(devServerUrl: string | undefined, indexHtmlFileUrl: string, packaged: boolean): string {
  if (packaged || !devServerUrl) return indexHtmlFileUrl;
  try {
    const url = new URL(devServerUrl);
    const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
    if (url.protocol === 'http:' && loopback) return url.href;
  } catch {
    // Not a URL: use the built page.
  }
  return indexHtmlFileUrl;
}

/**
 * True when `url` is a page of our renderer: the same file (query and hash ignored) for a file:// renderer,
 * the same origin for the dev server. Anything else (about:blank, devtools, another file, a remote page) is not.
 */
export function isRendererUrl(url: string | null | undefined, rendererUrl: string): boolean {
  if (!url) return false;
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') {
    return actual.protocol === 'file:' && actual.host === expected.host && decodeURIComponent(actual.pathname) === decodeURIComponent(expected.pathname);
  }
  if (expected.protocol === 'http:' || expected.protocol === 'https:') return actual.origin === expected.origin;
  return false;
}

/** Links from the window (model output included) may open in the system browser only for http(s). */
export function isExternalWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** What a command's handler knows about who sent it (taken from the IpcMainInvokeEvent). */
export interface IpcSender {
  /** event.sender.id */
  webContentsId: number;
  /** event.senderFrame?.url; null when the frame is gone. */
  frameUrl: string | null;
  /** The sending frame is its page's main frame (not an iframe). */
  isMainFrame: boolean;
}

export interface SenderPolicyOptions {
  /** The page our window loads (file:// or the dev server URL). */
  rendererUrl: string;
  /** The webContents ids of our windows, now. */
  windowIds: () => Iterable<number>;
}

/** Accepts commands only from the main frame of one of our windows, showing our renderer. */
export function createSenderPolicy(options: SenderPolicyOptions): (sender: IpcSender) => boolean {
  return (sender) => {
    if (!sender.isMainFrame) return false;
    if (!isRendererUrl(sender.frameUrl, options.rendererUrl)) return false;
    for (const id of options.windowIds()) if (id === sender.webContentsId) return true;
    return false;
  };
}
