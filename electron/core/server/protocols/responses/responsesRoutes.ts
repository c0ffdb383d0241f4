// OpenAI's Responses API on /v1/responses, stateless, so `openai`'s responses.create, the AI SDK's default
// `openai(...)` provider and Codex work unchanged: streamed (named events) or a whole Response. Requests map
// onto the pipeline's GenerationRequest (responsesRequest.ts); errors use OpenAI's shape, as on the other /v1
// routes (openAIErrors.ts).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../errors.js';
import { OpenAIErrorResponse } from '../../../wire/openai.js';
import { ResponsesRequest, ResponsesResponse, ResponsesStreamEvent } from '../../../wire/responses.js';
import { serveGeneration } from '../../serveGeneration.js';
import type { ServerContext } from '../../ServerContext.js';
import { registerOpenAIErrorHandling } from '../openai/openAIErrors.js';
import { ResponsesResponseEncoder } from './ResponsesResponseEncoder.js';
import { ResponsesStreamEncoder } from './ResponsesStreamEncoder.js';
import { responsesGeneration } from './responsesRequest.js';
import { responseShell } from './responseShell.js';

const errors = Object.fromEntries([400, 401, 403, 404, 413, 415, 422, 424, 429, 500, 502].map((status) => [status, OpenAIErrorResponse]));

export interface ResponsesRoutesOptions {
  context: ServerContext;
  bodyLimit: number;
}

/** The Responses routes; register with `{ prefix: '/v1/responses' }`. Their errors use OpenAI's shape. */
export async function responsesRoutes(scope: FastifyInstance, { context, bodyLimit }: ResponsesRoutesOptions): Promise<void> {
  registerOpenAIErrorHandling(scope, bodyLimit);

  scope.post(
    '',
    {
      schema: {
        summary: "OpenAI Responses (stateless): a reply through the model's chat template, streamed (`stream: true`) or not",
        tags: ['OpenAI'],
        body: ResponsesRequest,
        response: {
          200: {
            description: 'A Response, or named events (`event: <type>` + `data: <ResponsesStreamEvent>`) from response.created to response.completed.',
            content: { 'application/json': { schema: ResponsesResponse }, 'text/event-stream': { schema: ResponsesStreamEvent } },
          },
          ...errors,
        },
      },
    },
    (request, reply) => {
      const body = request.body as ResponsesRequest;
      const generation = responsesGeneration(body);
      return serveGeneration(context, reply, generation, ({ id }) => {
        const shell = responseShell(id, context.backend.info().id, body);
        return body.stream ? new ResponsesStreamEncoder(shell, generation.constraint?.type === 'tools') : new ResponsesResponseEncoder(shell);
      });
    },
  );

  scope.get(
    '/:id',
    { schema: { summary: 'Not available: Brook stores no responses', tags: ['OpenAI'], response: { 404: OpenAIErrorResponse } } },
    async (request) => {
      const { id } = request.params as { id: string };
      throw new ApiError('not_found', `No response "${id}": Brook stores no responses. Read the response from the answer to POST /v1/responses.`);
    },
  );
}
