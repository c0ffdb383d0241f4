// --ollama-port: Brook also listens on Ollama's port (11434 by default), so tools left at Ollama's defaults work
// with no setup. Ollama itself may hold that port: then Brook says so and keeps serving on its own port.
import type { BrookServer } from '../../createServer.js';

/** Where Ollama listens, and where its clients look unless told otherwise. */
export const OLLAMA_DEFAULT_PORT = 11434;

/**
 * `main`, plus a second server that `start` opens on `port`; closing the result closes both. When the port
 * cannot be had, `report` is told why in words and `main` alone is returned.
 */
export async function alsoOnOllamaPort(
  main: BrookServer,
  start: (port: number) => Promise<BrookServer>,
  port: number,
  report: (message: string) => void,
): Promise<BrookServer> {
  let second: BrookServer;
  try {
    second = await start(port);
  } catch (error) {
    report(portRefusal(error as NodeJS.ErrnoException, port, main.url));
    return main;
  }
  report(`Ollama's API is also on ${second.url}/api (--ollama-port ${port}): tools with Ollama's default address reach Brook.`);
  return {
    ...main,
    close: async (reason) => {
      await Promise.all([main.close(reason), second.close(reason)]);
    },
  };
}

function portRefusal(error: NodeJS.ErrnoException, port: number, mainUrl: string): string {
  const still = `Brook keeps serving Ollama's API on ${mainUrl}/api: point tools there.`;
  if (error.code === 'EADDRINUSE') return `Port ${port} is already in use (is Ollama itself running?), so Brook does not listen there. ${still}`;
  if (error.code === 'EACCES') return `Not allowed to listen on port ${port} (ports below 1024 need administrator rights). ${still}`;
  return `Could not listen on port ${port}: ${error.message}. ${still}`;
}
