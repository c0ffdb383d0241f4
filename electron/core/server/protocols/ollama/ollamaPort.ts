// Brook on Ollama's port too (--ollama-port at start, or the Local API panel's switch), so tools left at Ollama's
// defaults work with no setup. Ollama itself may hold that port: then Brook says so and keeps serving on its own.
import type { FastifyInstance } from 'fastify';
import type { OllamaPortState } from '../../../wire/endpoint.js';
import type { BrookServer } from '../../createServer.js';

/** Where Ollama listens, and where its clients look unless told otherwise. */
export const OLLAMA_DEFAULT_PORT = 11434;

/** What Ollama answers at its root; tools probe it to find a running Ollama. */
export const OLLAMA_ROOT_TEXT = 'Ollama is running';

/** `GET /` and `HEAD /` as Ollama answers them: only on the Ollama listener (Brook's own `/` is left alone). */
export function ollamaRoot(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.type('text/plain; charset=utf-8').send(OLLAMA_ROOT_TEXT));
}

/**
 * The second listener: on while it is wanted and the endpoint is on, off otherwise. `follow` brings it in line
 * after every change of the endpoint; a port it cannot have is kept as a message, never thrown.
 */
export class OllamaPortListener {
  private server: BrookServer | null = null;
  private error: string | null = null;

  constructor(
    /** The port it takes when on. */
    readonly port: number,
    /** The switch. */
    public enabled: boolean,
    /** Told, in words, each time it starts listening or cannot. */
    private readonly report: (message: string) => void,
  ) {}

  /** The port it holds now, if any. */
  get listeningPort(): number | null {
    return this.server?.port ?? null;
  }

  state(): OllamaPortState {
    return { enabled: this.enabled, port: this.port, url: this.server?.url ?? null, error: this.enabled ? this.error : null };
  }

  /**
   * Listens with `start` when wanted and `main` is on, else closes. `restart`: the endpoint's settings changed
   * (a new key), so a listener that runs is replaced.
   */
  async follow(main: BrookServer | null, start: (port: number) => Promise<BrookServer>, restart: boolean, reason?: string): Promise<void> {
    const wanted = this.enabled && main !== null;
    if (this.server && (!wanted || restart)) await this.close(reason);
    this.error = null;
    if (!wanted || this.server) return;
    if (main.port === this.port) {
      this.error = `Brook's endpoint itself is on port ${this.port}, so tools with Ollama's default address reach it already.`;
      return;
    }
    try {
      this.server = await start(this.port);
    } catch (error) {
      this.error = portRefusal(error as NodeJS.ErrnoException, this.port, main.url);
      this.report(this.error);
      return;
    }
    this.report(`Ollama's API is also on ${this.server.url}/api: tools with Ollama's default address reach Brook.`);
  }

  /** Stops listening; the switch stays as it is. */
  async close(reason?: string): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close(reason);
  }
}

function portRefusal(error: NodeJS.ErrnoException, port: number, mainUrl: string): string {
  const still = `Brook keeps serving Ollama's API on ${mainUrl}/api: point tools there.`;
  if (error.code === 'EADDRINUSE') return `Port ${port} is already in use (is Ollama itself running?), so Brook does not listen there. ${still}`;
  if (error.code === 'EACCES') return `Not allowed to listen on port ${port} (ports below 1024 need administrator rights). ${still}`;
  return `Could not listen on port ${port}: ${error.message}. ${still}`;
}
