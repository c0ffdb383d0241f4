// Anthropic's Messages API on /v1/messages, so the `anthropic` SDKs and Claude Code (ANTHROPIC_BASE_URL)
// work unchanged: POST /v1/messages streamed (named SSE events) or not, and POST /v1/messages/count_tokens.
// Requests map onto the pipeline's GenerationRequest (anthropicRequest.ts); errors use Anthropic's shape
// (anthropicErrors.ts). The API key may come as `x-api-key`, as these clients send it (requestGuards.ts).
import type { FastifyInstance } from 'fastify';
import {
  AnthropicCountTokensRequest,
  AnthropicErrorResponse,
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicStreamEvent,
  AnthropicTokensCount,
} from '../../../wire/anthropic.js';
import { serveGeneration } from '../../serveGeneration.js';
import type { ServerContext } from '../../ServerContext.js';
import { AnthropicResponseEncoder } from './AnthropicResponseEncoder.js';
import { AnthropicStreamEncoder } from './AnthropicStreamEncoder.js';
import { registerAnthropicErrorHandling } from './anthropicErrors.js';
import { anthropicGeneration, anthropicPrompt } from './anthropicRequest.js';
import { messageHead } from './anthropicShapes.js';

const errors = Object.fromEntries([400, 401, 403, 404, 413, 415, 424, 429, 500, 502].map((status) => [status, AnthropicErrorResponse]));

export interface AnthropicRoutesOptions {
  context: ServerContext;
  bodyLimit: number;
}

/** The Messages routes; register with `{ prefix: '/v1/messages' }`. Their errors use Anthropic's shape. */
export async function anthropicRoutes(scope: FastifyInstance, { context, bodyLimit }: AnthropicRoutesOptions): Promise<void> {
  registerAnthropicErrorHandling(scope, bodyLimit);

  scope.post(
    '',
    {
      schema: {
        summary: "Anthropic Messages: a reply through the model's chat template, streamed (`stream: true`) or not",
        tags: ['Anthropic'],
        body: AnthropicMessagesRequest,
        response: {
          200: {
            description: 'A Message, or named events (`event: <type>` + `data: <AnthropicStreamEvent>`) from message_start to message_stop.',
            content: { 'application/json': { schema: AnthropicMessage }, 'text/event-stream': { schema: AnthropicStreamEvent } },
          },
          ...errors,
        },
      },
    },
    (request, reply) => {
      const body = request.body as AnthropicMessagesRequest;
      const generation = anthropicGeneration(body);
      const stops = generation.parameters.stop ?? [];
      return serveGeneration(context, reply, generation, ({ id, inputLength }) => {
        const head = messageHead(id, context.backend.info().id, inputLength ?? 0);
        return body.stream
          ? new AnthropicStreamEncoder(head, stops, body.max_tokens, generation.constraint?.type === 'tools')
          : new AnthropicResponseEncoder(head, stops, body.max_tokens);
      });
    },
  );

  scope.post(
    '/count_tokens',
    {
      schema: {
        summary: 'Anthropic Messages: how many tokens the prompt takes through the chat template',
        tags: ['Anthropic'],
        body: AnthropicCountTokensRequest,
        response: { 200: AnthropicTokensCount, ...errors },
      },
    },
    async (request): Promise<AnthropicTokensCount> => {
      const { messages, continueLast, tools } = anthropicPrompt(request.body as AnthropicCountTokensRequest);
      const prompt = { messages, ...(continueLast ? { continueLast } : {}) };
      if (!tools) return { input_tokens: await context.backend.countPromptTokens(prompt) };
      // Tools are described by the chat template when a request is admitted (a remote upstream refuses them):
      // admission templates and tokenizes the prompt, and closing it before its events are read generates nothing.
      const admission = await context.backend.admit({ prompt, parameters: { max_new_tokens: 1 }, tools }, context.shutdown, 'api');
      await admission.close();
      return { input_tokens: admission.inputLength ?? 0 };
    },
  );
}
