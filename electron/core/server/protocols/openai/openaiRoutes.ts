// OpenAI's routes on /v1: chat completions (through the model's chat template), completions (raw
// prompt) and models, streamed or not, so the `openai` clients and @huggingface/inference work unchanged.
// Parameters map onto TGI's (openAIParameters.ts); stop sequences follow OpenAI (StopHoldback.ts);
// errors use OpenAI's shape (openAIErrors.ts); streams end with exactly `data: [DONE]`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../errors.js';
import type { EndEvent, TokenEvent } from '../wire/generation.js';
import {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionChunk,
  CompletionRequest,
  ModelList,
  ModelObject,
  OpenAIErrorResponse,
  type ChatLogprobs,
  type ChatTokenLogprob,
  type CompletionLogprobs,
  type OpenAIFinishReason,
  type Usage,
} from '../wire/openai.js';
import { chatMessages, chatParameters, completionParameters, completionPrompt, stopSequences } from './openAIParameters.js';
import { openAIError, registerOpenAIErrorHandling } from './openAIErrors.js';
import type { TrackedAdmission } from './RequestRegistry.js';
import { requestSignal } from './requestSignal.js';
import type { ServerContext } from './ServerContext.js';
import { SseStream } from './SseStream.js';
import { StopHoldback } from '../engine/StopHoldback.js';
import { stoppedEarly } from './stoppedEarly.js';

const errors = Object.fromEntries([400, 401, 403, 404, 413, 415, 422, 424, 429, 500].map((status) => [status, OpenAIErrorResponse]));

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
    async (request, reply) => {
      const body = request.body as ChatCompletionRequest;
      const parameters = chatParameters(body);
      const model = context.host.require().engine.info.id;
      const admission = context.admit({ prompt: { messages: chatMessages(body.messages) }, parameters }, requestSignal(reply, context.shutdown));
      const run: Run = {
        admission,
        reply,
        head: { id: `chatcmpl-${admission.id}`, created: unixSeconds(), model, system_fingerprint: fingerprint(context) },
        stops: stopSequences(body.stop),
        logprobs: body.logprobs === true,
        includeUsage: body.stream_options?.include_usage === true,
      };
      void reply.header('x-request-id', admission.id);
      if (body.stream) return streamChat(run);
      return reply.send(await completeChat(run));
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
    async (request, reply) => {
      const body = request.body as CompletionRequest;
      const parameters = completionParameters(body);
      const prompt = completionPrompt(body.prompt);
      const model = context.host.require().engine.info.id;
      const admission = context.admit({ prompt: { text: prompt }, parameters }, requestSignal(reply, context.shutdown));
      const run: CompletionRun = {
        admission,
        reply,
        head: { id: `cmpl-${admission.id}`, created: unixSeconds(), model, system_fingerprint: fingerprint(context) },
        stops: stopSequences(body.stop),
        logprobs: body.logprobs != null,
        includeUsage: body.stream_options?.include_usage === true,
        echo: body.echo === true || body.return_full_text === true ? prompt : '',
        details: body.details === true,
      };
      void reply.header('x-request-id', admission.id);
      if (body.stream) return streamCompletion(run);
      return reply.send(await complete(run));
    },
  );

  const modelObject = (): ModelObject => ({ id: context.host.require().engine.info.id, object: 'model', created, owned_by: 'brook' });

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

interface Head {
  id: string;
  created: number;
  model: string;
  system_fingerprint: string;
}

interface Run {
  admission: TrackedAdmission;
  reply: FastifyReply;
  head: Head;
  stops: string[];
  logprobs: boolean;
  includeUsage: boolean;
}

interface CompletionRun extends Run {
  /** The prompt when it is to be returned before the completion (echo / return_full_text), else ''. */
  echo: string;
  /** TGI's details in the last streamed chunk. */
  details: boolean;
}

// ---------------------------------------------------------------------------------------------
// Chat completions

async function completeChat(run: Run): Promise<ChatCompletion> {
  const holdback = new StopHoldback<ChatTokenLogprob>(run.stops);
  const logprobs: ChatTokenLogprob[] = [];
  const end = await consume(run, (event) => logprobs.push(...holdback.push(visibleText(event), run.logprobs ? chatLogprob(event) : undefined).tokens));
  logprobs.push(...holdback.finish().tokens);
  return {
    ...run.head,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: holdback.result, refusal: null },
        logprobs: run.logprobs ? { content: logprobs } : null,
        finish_reason: finishReason(end),
      },
    ],
    usage: usage(end),
  };
}

async function streamChat(run: Run): Promise<void> {
  const holdback = new StopHoldback<ChatTokenLogprob>(run.stops);
  const stream = SseStream.open(run.reply);
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], logprobs: ChatLogprobs | null, finish: OpenAIFinishReason | null): ChatCompletionChunk => ({
    ...run.head,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
    ...(run.includeUsage ? { usage: null } : {}),
  });
  try {
    await stream.send(chunk({ role: 'assistant', content: '' }, null, null));
    let end: EndEvent | null = null;
    for await (const event of run.admission.events) {
      if (event.type === 'end') {
        end = event;
        continue;
      }
      const released = holdback.push(visibleText(event), run.logprobs ? chatLogprob(event) : undefined);
      if (released.text !== '' || released.tokens.length > 0) {
        await stream.send(chunk({ content: released.text }, run.logprobs ? { content: released.tokens } : null, null));
      }
    }
    if (!end || end.cancelled) {
      await stream.send(cancelledEvent(run));
      return;
    }
    const rest = holdback.finish();
    if (rest.text !== '' || rest.tokens.length > 0) await stream.send(chunk({ content: rest.text }, run.logprobs ? { content: rest.tokens } : null, null));
    await stream.send(chunk({}, null, finishReason(end)));
    if (run.includeUsage) await stream.send({ ...run.head, object: 'chat.completion.chunk', choices: [], usage: usage(end) } satisfies ChatCompletionChunk);
    await stream.send('[DONE]');
  } catch (error) {
    await stream.send(streamError(error));
  } finally {
    await run.admission.close();
    stream.end();
  }
}

function chatLogprob(event: TokenEvent): ChatTokenLogprob | undefined {
  if (event.token.special) return undefined;
  return {
    token: event.token.text,
    logprob: event.token.logprob ?? 0,
    bytes: utf8(event.token.text),
    top_logprobs: (event.topTokens ?? []).map((top) => ({ token: top.text, logprob: top.logprob ?? 0, bytes: utf8(top.text) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Completions

interface CompletionToken {
  text: string;
  logprob: number | null;
  top: Record<string, number> | null;
  offset: number;
}

async function complete(run: CompletionRun): Promise<Completion> {
  const holdback = new StopHoldback<CompletionToken>(run.stops);
  const tokens: CompletionToken[] = [];
  let offset = run.echo.length;
  const end = await consume(run, (event) => {
    const text = visibleText(event);
    tokens.push(...holdback.push(text, run.logprobs ? completionToken(event, offset) : undefined).tokens);
    offset += text.length;
  });
  tokens.push(...holdback.finish().tokens);
  return {
    ...run.head,
    object: 'text_completion',
    choices: [
      {
        index: 0,
        text: run.echo + holdback.result,
        logprobs: run.logprobs ? completionLogprobs(tokens) : null,
        finish_reason: finishReason(end),
      },
    ],
    usage: usage(end),
  };
}

/**
 * One chunk per generated token, as TGI streams, each also an OpenAI `text_completion` chunk. The last
 * token's chunk waits for the end of the generation to carry finish_reason and generated_text.
 */
async function streamCompletion(run: CompletionRun): Promise<void> {
  const holdback = new StopHoldback<CompletionToken>(run.stops);
  const stream = SseStream.open(run.reply);
  let offset = run.echo.length;
  let echo = run.echo;
  const chunk = (text: string, tokens: CompletionToken[], finish: OpenAIFinishReason | null, tgi: Partial<CompletionChunk>): CompletionChunk => {
    const choiceText = echo + text;
    echo = '';
    return {
      ...run.head,
      object: 'text_completion',
      choices: [{ index: 0, text: choiceText, logprobs: run.logprobs ? completionLogprobs(tokens) : null, finish_reason: finish }],
      ...(run.includeUsage ? { usage: null } : {}),
      ...tgi,
    };
  };
  try {
    let last: { event: TokenEvent; text: string; tokens: CompletionToken[] } | null = null;
    let end: EndEvent | null = null;
    for await (const event of run.admission.events) {
      if (event.type === 'end') {
        end = event;
        continue;
      }
      const text = visibleText(event);
      const released = holdback.push(text, run.logprobs ? completionToken(event, offset) : undefined);
      offset += text.length;
      if (event.last) last = { event, ...released };
      else await stream.send(chunk(released.text, released.tokens, null, { index: event.index, token: event.token, generated_text: null, details: null }));
    }
    if (!end || end.cancelled) {
      await stream.send(cancelledEvent(run));
      return;
    }
    const rest = holdback.finish();
    const tgi: Partial<CompletionChunk> = {
      ...(last ? { index: last.event.index, token: last.event.token } : {}),
      generated_text: run.echo + holdback.result,
      details: run.details
        ? { finish_reason: end.finishReason, generated_tokens: end.generatedTokens, seed: end.seed, input_length: end.inputLength }
        : null,
    };
    await stream.send(chunk((last?.text ?? '') + rest.text, [...(last?.tokens ?? []), ...rest.tokens], finishReason(end), tgi));
    if (run.includeUsage) await stream.send({ ...run.head, object: 'text_completion', choices: [], usage: usage(end) } satisfies CompletionChunk);
    await stream.send('[DONE]');
  } catch (error) {
    await stream.send(streamError(error));
  } finally {
    await run.admission.close();
    stream.end();
  }
}

function completionToken(event: TokenEvent, offset: number): CompletionToken | undefined {
  if (event.token.special) return undefined;
  const top = event.topTokens?.length ? Object.fromEntries(event.topTokens.map((t) => [t.text, t.logprob ?? 0])) : null;
  return { text: event.token.text, logprob: event.token.logprob, top, offset };
}

function completionLogprobs(tokens: CompletionToken[]): CompletionLogprobs {
  return {
    tokens: tokens.map((t) => t.text),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => t.top ?? {}),
    text_offset: tokens.map((t) => t.offset),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared

/** Reads a whole generation (non-streamed routes); throws when it did not end normally. */
async function consume(run: Run, onToken: (event: TokenEvent) => void): Promise<EndEvent> {
  try {
    let end: EndEvent | null = null;
    for await (const event of run.admission.events) {
      if (event.type === 'token') onToken(event);
      else end = event;
    }
    if (!end || end.cancelled) throw stoppedEarly(run.admission.signal);
    return end;
  } finally {
    await run.admission.close();
  }
}

/** Text a token adds to the reply: special tokens (end of turn) add none. */
function visibleText(event: TokenEvent): string {
  return event.token.special ? '' : event.token.text;
}

function finishReason(end: EndEvent): OpenAIFinishReason {
  return end.finishReason === 'length' ? 'length' : 'stop';
}

function usage(end: EndEvent): Usage {
  return { prompt_tokens: end.inputLength, completion_tokens: end.generatedTokens, total_tokens: end.inputLength + end.generatedTokens };
}

function cancelledEvent(run: Run) {
  return openAIError(stoppedEarly(run.admission.signal), null, 'cancelled');
}

function streamError(error: unknown) {
  const apiError = error instanceof ApiError ? error : new ApiError('incomplete_generation', error instanceof Error ? error.message : String(error));
  return openAIError(apiError);
}

function utf8(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function fingerprint(context: ServerContext): string {
  return `brook-${context.version}`;
}
