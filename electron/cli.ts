// Headless Brook: the same core as the desktop app, without Electron (`npm run serve`).
import { fileURLToPath } from 'node:url';
import { Brook } from './core/Brook.js';
import { ConfigError, parseConfig, USAGE } from './core/config.js';

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

  // The window built by `electron-vite build`, served at /ui/ with its Bridge over HTTP at /app/.
  const rendererDir = fileURLToPath(new URL('../out/renderer/', import.meta.url));
  const { brook, modelLoaded } = await Brook.start(config, { serve: true, browserUi: { rendererDir } });
  const url = brook.server!.url;
  console.log(`Brook is listening on ${url}  (loading ${config.modelPath}…)`);
  console.log(`  Window:  ${url}/ui/  (conversations in ${brook.store.dir})`);
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
  const info = brook.host.loaded!.engine.info;
  console.log(`Model ready: ${info.id} (${info.contextSize} tokens per request, ${info.sequences} in parallel, ${info.gpu || 'CPU'} with ${info.threads} threads)`);
  console.log(`  TGI:     curl -N ${url}/generate_stream -H 'Content-Type: application/json' -d '{"inputs":"Hello","parameters":{"max_new_tokens":20}}'`);
  console.log(`  OpenAPI: ${url}/openapi.json`);
}

void main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
