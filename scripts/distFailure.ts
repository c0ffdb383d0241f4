/** Codes of a download that could not reach its server. */
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** What `npm run dist` says when electron-builder fails: a sentence with what to do, never a stack trace. */
export function distFailure(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const network = (code !== undefined && NETWORK_CODES.has(code)) || [...NETWORK_CODES].some((name) => text.includes(name)) || /getaddrinfo|socket hang up/.test(text);
  if (network) {
    return (
      `Packaging could not download what it needs (${text}).\n` +
      'The first `npm run dist` downloads Electron for the target platform and the packaging tools (cached afterwards). ' +
      'Connect to the internet and run it again, or set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR to mirrors you can reach.'
    );
  }
  return `Packaging failed: ${text}`;
}
