// OpenAI's routes on /v1: chat completions (through the model's chat template), completions (raw
// prompt) and models, streamed or not, so the `openai` clients and @huggingface/inference work unchanged.
// Parameters map onto TGI's (openAIParameters.ts); stop sequences follow OpenAI (StopHoldback.ts);
// errors use OpenAI's shape (openAIErrors.ts); streams end with exactly `data: [DONE]`.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../errors.js';
import {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionChunk,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  ModelList,
  ModelObject,
  OpenAIErrorResponse,
} from '../../../wire/openai.js';
import { serveGeneration } from '../../serveGeneration.js';
import type { ServerContext } from '../../ServerContext.js';
import { ChatResponseEncoder } from './ChatResponseEncoder.js';
import { chatConstraint } from './chatConstraint.js';
import { ChatStreamEncoder } from './ChatStreamEncoder.js';
import { CompletionResponseEncoder } from './CompletionResponseEncoder.js';
import { CompletionStreamEncoder } from './CompletionStreamEncoder.js';
import { chatMessages, chatParameters, completionParameters, completionPrompt, stopSequences } from './openAIParameters.js';
import { registerOpenAIErrorHandling } from './openAIErrors.js';
import { refuseUnsupported } from './openAIRefusals.js';
import { responseHead, unixSeconds } from './openAIShapes.js';
import { serveEmbeddings } from './serveEmbeddings.js';

const errors = Object.fromEntries([400, 401, 403, 404, 413, 415, 422, 424, 429, 500, 502].map((status) => [status, OpenAIErrorResponse]));

export interface OpenAIRoutesOptions {
  context: ServerContext;
  bodyLimit: number;
}

/** The /v1 routes; register with `{ prefix: '/v1' }`. Their errors use OpenAI's shape. */
export async function openaiRoutes(scope: FastifyInstance, { context, bodyLimit }: OpenAIRoutesOptions): Promise<void> {
  registerOpenAIErrorHandling(scope, bodyLimit);
  const created = unixSeconds();

  scope.post(
    '/chat/completions',
    {
      schema: {
        summary: "Chat completion through the model's chat template: streamed (`stream: true`) or not",
        tags: ['OpenAI'],
        body: ChatCompletionRequest,
        response: {
          200: {
            description: 'A ChatCompletion, or `data: <ChatCompletionChunk>` events ending with `data: [DONE]`.',
            content: { 'application/json': { schema: ChatCompletion }, 'text/event-stream': { schema: ChatCompletionChunk } },
          },
          ...errors,
        },
      },
    },
    (request, reply) => {
      const body = request.body as ChatCompletionRequest;
      refuseUnsupported(body);
      const parameters = chatParameters(body);
      const stops = stopSequences(body.stop);
      const logprobs = body.logprobs === true;
      const generation = { prompt: { messages: chatMessages(body.messages) }, parameters, ...chatConstraint(body) };
      return serveGeneration(context, reply, generation, ({ id }) => {
        const head = responseHead('chatcmpl', id, context.backend.info().id, context.version);
        return body.stream
          ? new ChatStreamEncoder(head, stops, logprobs, body.stream_options?.include_usage === true)
          : new ChatResponseEncoder(head, stops, logprobs);
      });
    },
  );

  scope.post(
    '/completions',
    {
      schema: {
        summary: 'Completion of a raw prompt (no chat template): streamed (`stream: true`) or not',
        description:
          "Streamed chunks also carry TGI's `index`, `token`, `generated_text` and `details`, so @huggingface/inference's textGenerationStream (which calls this route) yields what its callers read.",
        tags: ['OpenAI'],
        body: CompletionRequest,
        response: {
          200: {
            description: 'A Completion, or `data: <CompletionChunk>` events ending with `data: [DONE]`.',
            content: { 'application/json': { schema: Completion }, 'text/event-stream': { schema: CompletionChunk } },
          },
          ...errors,
        },
      },
    },
    (request, reply) => {
      const body = request.body as CompletionRequest;
      refuseUnsupported(body);
      const parameters = completionParameters(body);
      const prompt = completionPrompt(body.prompt);
      const stops = stopSequences(body.stop);
      const logprobs = body.logprobs != null;
      const echo = body.echo === true || body.return_full_text === true ? prompt : '';
      return serveGeneration(context, reply, { prompt: { text: prompt }, parameters }, ({ id }) => {
        const head = responseHead('cmpl', id, context.backend.info().id, context.version);
        return body.stream
          ? new CompletionStreamEncoder(head, stops, logprobs, body.stream_options?.include_usage === true, echo, body.details === true)
          : new CompletionResponseEncoder(head, stops, logprobs, echo);
      });
    },
  );

  scope.post(
    '/embeddings',
    {
      schema: {
        summary: "Embeddings of a text or texts from the loaded model (pooled, normalized to length 1)",
        tags: ['OpenAI'],
        body: EmbeddingRequest,
        response: { 200: EmbeddingResponse, ...errors },
      },
    },
    (request, reply) => serveEmbeddings(context, reply, request.body as EmbeddingRequest),
  );

  const modelObject = (): ModelObject => ({ id: context.backend.info().id, object: 'model', created, owned_by: 'brook' });

  scope.get('/models', { schema: { summary: 'The loaded model', tags: ['OpenAI'], response: { 200: ModelList, ...errors } } }, async () => ({
    object: 'list' as const,
    data: [modelObject()],
  }));

  scope.get(
    '/models/:model',
    { schema: { summary: 'The loaded model, if it has this id', tags: ['OpenAI'], response: { 200: ModelObject, ...errors } } },
    async (request) => {
      const model = modelObject();
      const asked = (request.params as { model: string }).model;
      if (asked !== model.id) throw new ApiError('not_found', `No model "${asked}": Brook serves "${model.id}".`);
      return model;
    },
  );
}

