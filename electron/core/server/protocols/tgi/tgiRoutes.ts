// TGI's routes: the same paths, bodies, frames and errors as text-generation-inference, so its clients
// (huggingface_hub, text_generation, @huggingface/inference) work unchanged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GeneratedToken, TokenEvent } from '../wire/generation.js';
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
  type Details,
  type GenerateParameters,
} from '../wire/tgi.js';
import { requestSignal } from './requestSignal.js';
import type { ServerContext } from './ServerContext.js';
import { SseStream } from './SseStream.js';
import { stoppedEarly } from './stoppedEarly.js';

const errors = { 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse, 424: ErrorResponse, 429: ErrorResponse, 500: ErrorResponse };

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
    (request, reply) => streamGeneration(context, reply, request.body as GenerateRequest),
  );

  app.post(
    '/generate',
    { schema: { summary: 'Generate tokens', tags: ['TGI'], body: GenerateRequest, response: { 200: GenerateResponse, ...errors } } },
    async (request, reply) => reply.send(await generate(context, reply, request.body as GenerateRequest)),
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
    async (request, reply) => {
      const body = request.body as CompatGenerateRequest;
      if (body.stream) return streamGeneration(context, reply, body);
      return reply.send([await generate(context, reply, body)]);
    },
  );

  app.post(
    '/tokenize',
    { schema: { summary: "Tokenize a prompt with the model's tokenizer", tags: ['TGI'], body: TokenizeRequest, response: { 200: TokenizeResponse, ...errors } } },
    async (request) => context.host.require().engine.tokenizeWithOffsets((request.body as GenerateRequest).inputs),
  );

  app.get('/info', { schema: { summary: 'The model and the server limits', tags: ['TGI'], response: { 200: Info, 424: ErrorResponse } } }, async () => {
    const { engine } = context.host.require();
    return {
      model_id: engine.info.id,
      model_sha: null,
      model_pipeline_tag: 'text-generation',
      max_concurrent_requests: context.maxConcurrentRequests,
      max_best_of: MAX_BEST_OF,
      max_stop_sequences: MAX_STOP_SEQUENCES,
      max_input_tokens: engine.maxInputTokens,
      max_total_tokens: engine.maxTotalTokens,
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
    { schema: { summary: 'Ready to generate: 200; model loading or missing: 424', tags: ['TGI'], response: { 200: { type: 'null' }, 424: ErrorResponse } } },
    async (_request, reply) => {
      context.host.require();
      return reply.status(200).send();
    },
  );
}

async function streamGeneration(context: ServerContext, reply: FastifyReply, body: GenerateRequest): Promise<void> {
  const parameters = body.parameters ?? {};
  // Admission happens before any byte is sent, so a refused or invalid request gets its real status.
  const admission = context.admit({ prompt: { text: body.inputs }, parameters }, requestSignal(reply, context.shutdown));
  const stream = SseStream.open(reply);
  let last: TokenEvent | null = null;
  let finished = false;
  try {
    for await (const event of admission.events) {
      if (event.type === 'token') {
        // The last token's frame also carries the whole text; its `end` follows at once.
        if (event.last) last = event;
        else await stream.send(streamFrame(event, null, null));
      } else if (last) {
        const details = parameters.details
          ? { finish_reason: event.finishReason, generated_tokens: event.generatedTokens, seed: event.seed, input_length: event.inputLength }
          : null;
        await stream.send(streamFrame(last, fullText(body.inputs, parameters, event.generatedText), details));
        finished = true;
      }
    }
    // Aborted before the end (cancelled in the window, or Brook closing): say so to a client still listening.
    if (!finished) await stream.send(stoppedEarly(admission.signal).toJSON());
  } catch (error) {
    await stream.send({ error: error instanceof Error ? error.message : String(error), error_type: 'incomplete_generation' });
  } finally {
    await admission.close();
    stream.end();
  }
}

/** Fields in TGI's order: index, token, top_tokens, generated_text, details. */
function streamFrame(event: TokenEvent, generatedText: string | null, details: object | null) {
  return {
    index: event.index,
    token: event.token,
    ...(event.topTokens ? { top_tokens: event.topTokens } : {}),
    generated_text: generatedText,
    details,
  };
}

async function generate(context: ServerContext, reply: FastifyReply, body: GenerateRequest): Promise<GenerateResponse> {
  const parameters = body.parameters ?? {};
  const received = performance.now();
  const admission = context.admit({ prompt: { text: body.inputs }, parameters }, requestSignal(reply, context.shutdown));
  const validated = performance.now();
  const tokens: GeneratedToken[] = [];
  const topTokens: GeneratedToken[][] = [];
  try {
    for await (const event of admission.events) {
      if (event.type === 'token') {
        tokens.push(event.token);
        if (event.topTokens) topTokens.push(event.topTokens);
        continue;
      }
      if (event.cancelled) break;
      const inferenceMs = event.timings.generationMs;
      void reply.headers({
        'x-compute-type': context.host.require().engine.info.gpu || 'cpu',
        'x-compute-time': (inferenceMs / 1000).toFixed(3),
        'x-total-time': Math.round(performance.now() - received),
        'x-validation-time': Math.round(validated - received),
        'x-queue-time': Math.round(event.timings.queueMs),
        'x-inference-time': Math.round(inferenceMs),
        'x-time-per-token': Math.round(inferenceMs / Math.max(1, event.generatedTokens)),
        'x-prompt-tokens': event.inputLength,
        'x-generated-tokens': event.generatedTokens,
      });
      const details: Details | undefined = parameters.details
        ? {
            finish_reason: event.finishReason,
            generated_tokens: event.generatedTokens,
            seed: event.seed,
            prefill: [],
            tokens,
            ...(parameters.top_n_tokens ? { top_tokens: topTokens } : {}),
          }
        : undefined;
      return { generated_text: fullText(body.inputs, parameters, event.generatedText), ...(details ? { details } : {}) };
    }
  } finally {
    await admission.close();
  }
  throw stoppedEarly(admission.signal);
}

function fullText(inputs: string, parameters: GenerateParameters, generated: string): string {
  return parameters.return_full_text ? inputs + generated : generated;
}
