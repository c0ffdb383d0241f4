// TGI's routes: the same paths, bodies, frames and errors as text-generation-inference, so its clients
// (huggingface_hub, text_generation, @huggingface/inference) work unchanged.
import { grammarConstraint } from './grammarConstraint.js';
import { refuseUnsupported } from '../openai/openAIRefusals.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { maxInputTokens } from '../../../backends/Backend.js';
import {
  CompatGenerateRequest,
  CompatGenerateResponse,
  ErrorResponse,
  GenerateRequest,
  GenerateResponse,
  Info,
  MAX_BEST_OF,
  MAX_STOP_SEQUENCES,
  StreamResponse,
  TokenizeRequest,
  TokenizeResponse,
} from '../../../wire/tgi.js';
import { requestSignal } from '../../requestSignal.js';
import { serveGeneration } from '../../serveGeneration.js';
import type { ServerContext } from '../../ServerContext.js';
import { TgiResponseEncoder } from './TgiResponseEncoder.js';
import { TgiStreamEncoder } from './TgiStreamEncoder.js';

const errors = { 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse, 424: ErrorResponse, 429: ErrorResponse, 500: ErrorResponse, 502: ErrorResponse };

export function tgiRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post(
    '/generate_stream',
    {
      schema: {
        summary: 'Generate tokens, streamed as Server-Sent Events',
        tags: ['TGI'],
        body: GenerateRequest,
        response: { 200: { description: 'One `data: <StreamResponse>` event per token; the last carries generated_text.', content: { 'text/event-stream': { schema: StreamResponse } } }, ...errors },
      },
    },
    (request, reply) => generate(context, reply, request.body as GenerateRequest, { stream: true }),
  );

  app.post(
    '/generate',
    { schema: { summary: 'Generate tokens', tags: ['TGI'], body: GenerateRequest, response: { 200: GenerateResponse, ...errors } } },
    (request, reply) => generate(context, reply, request.body as GenerateRequest, { stream: false }),
  );

  app.post(
    '/',
    {
      schema: {
        summary: 'Generate tokens: streamed if `stream` is true, otherwise an array of one response',
        tags: ['TGI'],
        body: CompatGenerateRequest,
        response: { 200: { description: 'See /generate and /generate_stream.', content: { 'application/json': { schema: CompatGenerateResponse }, 'text/event-stream': { schema: StreamResponse } } }, ...errors },
      },
    },
    (request, reply) => {
      const body = request.body as CompatGenerateRequest;
      return generate(context, reply, body, { stream: body.stream === true, asArray: true });
    },
  );

  app.post(
    '/tokenize',
    { schema: { summary: "Tokenize a prompt with the model's tokenizer", tags: ['TGI'], body: TokenizeRequest, response: { 200: TokenizeResponse, ...errors } } },
    async (request, reply) => context.backend.tokenize((request.body as GenerateRequest).inputs, requestSignal(reply, context.shutdown), 'api'),
  );

  app.get('/info', { schema: { summary: 'The model and the server limits', tags: ['TGI'], response: { 200: Info, 424: ErrorResponse } } }, async () => {
    const info = context.backend.info();
    return {
      model_id: info.id,
      model_sha: null,
      model_pipeline_tag: 'text-generation',
      max_concurrent_requests: context.maxConcurrentRequests,
      max_best_of: MAX_BEST_OF,
      max_stop_sequences: MAX_STOP_SEQUENCES,
      max_input_tokens: maxInputTokens(info),
      max_total_tokens: info.contextSize,
      validation_workers: 1,
      max_client_batch_size: 1,
      router: 'brook',
      version: context.version,
      sha: null,
      docker_label: null,
    };
  });

  app.get(
    '/health',
    { schema: { summary: 'Ready to generate: 200; model loading or missing, or remote server unreachable: 424', tags: ['TGI'], response: { 200: { type: 'null' }, 424: ErrorResponse } } },
    async (_request, reply) => {
      await context.backend.health();
      return reply.status(200).send();
    },
  );
}

function generate(context: ServerContext, reply: FastifyReply, body: GenerateRequest, options: { stream: boolean; asArray?: boolean }): Promise<void> {
  const parameters = body.parameters ?? {};
  refuseUnsupported(parameters);
  const constraint = grammarConstraint(parameters.grammar);
  return serveGeneration(context, reply, { prompt: { text: body.inputs }, parameters, ...(constraint ? { constraint } : {}) }, () =>
    options.stream
      ? new TgiStreamEncoder(body.inputs, parameters)
      : new TgiResponseEncoder(body.inputs, parameters, context.backend.info().gpu || 'cpu', options.asArray),
  );
}
