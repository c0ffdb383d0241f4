// Headless Brook: the same core as the desktop app, without Electron (`npm run serve`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Brook } from './core/Brook.js';
import { ConfigError, parseConfig, USAGE, type BrookConfig } from './core/config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  // Checked before listening, so a wrong path is the only thing said, not "listening" and then a failure.
  if (config.remote === null && config.scriptedPath === null && !existsSync(config.modelPath)) {
    console.error(`The model file ${config.modelPath} does not exist. Give the path of a GGUF file with --model, or leave --model out for the bundled model (npm run fetch-model puts it in place).`);
    process.exit(2);
  }

  // The window built by `electron-vite build`, served at /ui/ with its Bridge over HTTP at /app/.
  const rendererDir = fileURLToPath(new URL('../out/renderer/', import.meta.url));
  let started;
  try {
    started = await Brook.start(config, { serve: true, browserUi: { rendererDir } });
  } catch (error) {
    console.error(listenFailure(error as NodeJS.ErrnoException, config));
    process.exit(1);
  }
  const { brook, modelLoaded } = started;
  const url = brook.server!.url;
  console.log(`Brook is listening on ${url}  (${generator(config)})`);
  console.log(`  Window:  ${url}/ui/  (open this address in a browser; conversations in ${brook.store.dir})`);
  console.log('  Press Ctrl-C to stop.');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: ending open streams and unloading the model…`);
    await brook.close();
    console.log('Brook stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await modelLoaded;
  } catch (error) {
    console.error((error as Error).message);
    await brook.close();
    process.exit(1);
  }
  const info = brook.backend.info();
  const where =
    info.backend === 'remote'
      ? `on the remote server ${info.path} (${info.protocol === 'tgi' ? 'TGI' : 'OpenAI'} protocol)`
      : info.backend === 'scripted'
        ? 'scripted (no model)'
        : `${info.sequences} in parallel, ${info.gpu || 'CPU'} with ${info.threads} threads`;
  console.log(`Model ready: ${info.id} (${info.contextSize} tokens per request, ${where})`);
  const auth = config.apiKey === null ? '' : ` -H 'Authorization: Bearer ${config.apiKey}'`;
  console.log(`  TGI:     curl -N ${url}/generate_stream${auth} -H 'Content-Type: application/json' -d '{"inputs":"Hello","parameters":{"max_new_tokens":20}}'`);
  console.log(`  OpenAPI: ${url}/openapi.json`);
}

/** What generates the replies, for the "listening" line. */
function generator(config: BrookConfig): string {
  if (config.remote) return `generating on ${config.remote.url}`;
  if (config.scriptedPath !== null) return `scripted replies from ${config.scriptedPath}`;
  return `loading ${config.modelPath}…`;
}

/** Why the server could not start, in words that say what to do. */
function listenFailure(error: NodeJS.ErrnoException, config: BrookConfig): string {
  const where = `${config.hostname}:${config.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${config.port} on ${config.hostname} is already in use (another Brook, or another server). Start Brook with --port <another port>, or --port 0 to pick a free one.`;
    case 'EACCES':
      return `Not allowed to listen on ${where}: ports below 1024 need administrator rights. Start Brook with --port 1024 or higher.`;
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${config.hostname}: it is not an address of this machine. Give one of its addresses with --hostname, or leave it out for 127.0.0.1.`;
    default:
      return error.message;
  }
}

void main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
