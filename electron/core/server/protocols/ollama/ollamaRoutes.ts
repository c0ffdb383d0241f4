// Ollama's routes on /api, so tools that speak Ollama (Open WebUI, Continue, Zed, the `ollama` clients, VS
// Code's Ollama provider) work unchanged: chat and generate streamed as NDJSON or whole, and the model routes
// (tags, ps, show, version). Options map onto TGI's parameters (ollamaParameters.ts); stop text is held back as
// Ollama does (StopHoldback); errors use Ollama's shape and statuses (ollamaErrors.ts).
import type { FastifyInstance } from 'fastify';
import type { ModelInfo } from '../../../wire/bridge.js';
import type { GenerationRequest } from '../../../wire/generation.js';
import {
  OllamaChatRequest,
  OllamaChatResponse,
  OllamaEmbedRequest,
  OllamaEmbeddingsRequest,
  OllamaEmbeddingsResponse,
  OllamaEmbedResponse,
  OllamaErrorResponse,
  OllamaGenerateRequest,
  OllamaGenerateResponse,
  OllamaPsResponse,
  OllamaShowRequest,
  OllamaShowResponse,
  OllamaTagsResponse,
  OllamaVersionResponse,
} from '../../../wire/ollama.js';
import { serveGeneration } from '../../serveGeneration.js';
import type { ServerContext } from '../../ServerContext.js';
import { readAnyBodyAsJson } from './ollamaBodies.js';
import { ollamaEmbed, ollamaEmbedding } from './ollamaEmbeddings.js';
import { registerOllamaErrorHandling } from './ollamaErrors.js';
import { modelSummary, runningModel, showModel } from './ollamaModel.js';
import { chatGeneration, generateGeneration } from './ollamaParameters.js';
import { ollamaReply, type OllamaRoute } from './ollamaReply.js';
import { OllamaResponseEncoder } from './OllamaResponseEncoder.js';
import { OllamaStreamEncoder } from './OllamaStreamEncoder.js';

/**
 * The version GET /api/version reports. Tools compare it with the Ollama release they need: VS Code's Ollama
 * provider refuses a server older than 0.6.4 (its MINIMUM_OLLAMA_VERSION). Brook claims that release, the
 * lowest VS Code accepts, rather than a newer one whose features (thinking, images) it does not have.
 */
export const OLLAMA_COMPATIBLE_VERSION = '0.6.4';

/**
 * What /api/show lists. Calls are grammar-constrained, so any local model can call tools; a remote upstream is
 * sent them (one that cannot call gets a 422 from RemoteBackend or answers its own) and the scripted backend
 * plays its script. "embedding" is left out: Ollama lists it for embedding models, and tools that pick one by
 * it should not pick a chat model (/api/embed works all the same).
 */
function capabilities(info: ModelInfo): string[] {
  return info.backend === 'scripted' ? ['completion'] : ['completion', 'tools'];
}

const errors = Object.fromEntries([400, 401, 403, 404, 413, 415, 424, 429, 500, 502].map((status) => [status, OllamaErrorResponse]));

export interface OllamaRoutesOptions {
  context: ServerContext;
  bodyLimit: number;
}

/** The /api routes; register with `{ prefix: '/api' }`. Their errors use Ollama's shape. */
export async function ollamaRoutes(scope: FastifyInstance, { context, bodyLimit }: OllamaRoutesOptions): Promise<void> {
  registerOllamaErrorHandling(scope, bodyLimit);
  readAnyBodyAsJson(scope);
  const tags = ['Ollama'];

  /** Serves one generation, streamed unless `stream: false`; a request with nothing to generate only "loads". */
  const generate = (
    route: OllamaRoute,
    body: OllamaChatRequest | OllamaGenerateRequest,
    generation: GenerationRequest | null,
    receivedAt: number,
    reply: Parameters<typeof serveGeneration>[1],
  ) => {
    const model = body.model;
    if (!generation) return Promise.resolve(ollamaReply(route, model, { text: '', done: true, statistics: { done_reason: 'load' } }));
    const options = {
      stops: generation.parameters.stop ?? [],
      withTools: generation.constraint?.type === 'tools',
      withLogprobs: body.logprobs === true,
    };
    return serveGeneration(context, reply, generation, () =>
      body.stream !== false ? new OllamaStreamEncoder(route, model, options, receivedAt) : new OllamaResponseEncoder(route, model, options),
    );
  };

  scope.post(
    '/chat',
    {
      schema: {
        summary: "Chat through the model's chat template: an NDJSON stream (the default) or one object with `stream: false`",
        tags,
        body: OllamaChatRequest,
        response: {
          200: {
            description: 'An OllamaChatResponse, or one per line ending with `done: true` and the statistics.',
            content: { 'application/json': { schema: OllamaChatResponse }, 'application/x-ndjson': { schema: OllamaChatResponse } },
          },
          ...errors,
        },
      },
    },
    (request, reply) => {
      const receivedAt = performance.now();
      const body = request.body as OllamaChatRequest;
      return generate('chat', body, chatGeneration(body, context.backend.info()), receivedAt, reply);
    },
  );

  scope.post(
    '/generate',
    {
      schema: {
        summary: "Completion of a prompt, through the model's chat template unless `raw`: an NDJSON stream (the default) or one object",
        tags,
        body: OllamaGenerateRequest,
        response: {
          200: {
            description: 'An OllamaGenerateResponse, or one per line ending with `done: true` and the statistics.',
            content: { 'application/json': { schema: OllamaGenerateResponse }, 'application/x-ndjson': { schema: OllamaGenerateResponse } },
          },
          ...errors,
        },
      },
    },
    (request, reply) => {
      const receivedAt = performance.now();
      const body = request.body as OllamaGenerateRequest;
      return generate('generate', body, generateGeneration(body, context.backend.info()), receivedAt, reply);
    },
  );

  scope.get('/version', { schema: { summary: 'The Ollama release Brook is compatible with', tags, response: { 200: OllamaVersionResponse, ...errors } } }, async () => ({
    version: OLLAMA_COMPATIBLE_VERSION,
  }));

  scope.get('/tags', { schema: { summary: 'The model Brook serves (none while it loads)', tags, response: { 200: OllamaTagsResponse, ...errors } } }, async () => {
    const state = context.backend.state;
    return { models: state.state === 'ready' ? [await modelSummary(state.info)] : [] };
  });

  scope.get('/ps', { schema: { summary: 'The model loaded now, with its context size', tags, response: { 200: OllamaPsResponse, ...errors } } }, async () => {
    const state = context.backend.state;
    return { models: state.state === 'ready' ? [await runningModel(state.info)] : [] };
  });

  scope.post(
    '/show',
    { schema: { summary: 'Details, GGUF metadata, chat template and capabilities of the served model', tags, body: OllamaShowRequest, response: { 200: OllamaShowResponse, ...errors } } },
    async () => {
      const info = context.backend.info();
      return showModel(info, capabilities(info));
    },
  );

  scope.post(
    '/embed',
    {
      schema: {
        summary: 'Embeddings of a text or texts from the loaded model (pooled, normalized to length 1)',
        tags,
        body: OllamaEmbedRequest,
        response: { 200: OllamaEmbedResponse, ...errors },
      },
    },
    (request, reply) => ollamaEmbed(context, reply, request.body as OllamaEmbedRequest),
  );

  scope.post(
    '/embeddings',
    {
      schema: { summary: 'The embedding of one text: the older route', tags, body: OllamaEmbeddingsRequest, response: { 200: OllamaEmbeddingsResponse, ...errors } },
    },
    (request, reply) => ollamaEmbedding(context, reply, (request.body as OllamaEmbeddingsRequest).prompt),
  );
}
