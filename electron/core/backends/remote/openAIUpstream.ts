import { SamplingPlan } from '../../engine/SamplingPlan.js';
import { ApiError, type ErrorType } from '../../errors.js';
import type { ChatMessage, EndEvent, GeneratedToken, GenerationEvent, GenerationRequest, ToolCallDelta } from '../../wire/generation.js';
import { constraintFields } from './constraintFields.js';
import type { Upstream } from './detectUpstream.js';
import { sseData } from './sseData.js';
import { UpstreamStream, type StreamContext } from './UpstreamStream.js';
import { UpstreamToolCalls, type ToolCallChunk } from './UpstreamToolCalls.js';

/**
 * The OpenAI request for a Brook request: chat prompts to /v1/chat/completions, raw text to /v1/completions,
 * streamed with usage and log-probabilities. TGI's parameters map onto OpenAI's; greedy (TGI's default) is
 * temperature 0. top_k, min_p, repetition_penalty and typical_p are extensions vLLM and llama.cpp accept. Tools and the
 * output constraint go as the route's fields (constraintFields.ts), or are refused where it has none.
 */
export function openAIUpstreamRequest(request: GenerationRequest, upstream: Upstream, url: string): { path: string; body: unknown } {
  const info = upstream.info;
  const p = request.parameters;
  const plan = new SamplingPlan(p);
  const topN = p.top_n_tokens ?? 0;
  const common = {
    model: info.id,
    stream: true,
    stream_options: { include_usage: true },
    ...(p.max_new_tokens != null ? { max_tokens: p.max_new_tokens } : {}),
    temperature: plan.sampling ? (p.temperature ?? 1) : 0,
    ...(plan.sampling && p.top_p != null ? { top_p: p.top_p } : {}),
    ...(plan.sampling && p.top_k != null ? { top_k: p.top_k } : {}),
    ...(plan.sampling && p.typical_p != null ? { typical_p: p.typical_p } : {}),
    ...(plan.sampling && p.min_p != null ? { min_p: p.min_p } : {}),
    ...(plan.seed !== null ? { seed: plan.seed } : {}),
    ...(p.stop?.length ? { stop: p.stop } : {}),
    ...(p.frequency_penalty != null ? { frequency_penalty: p.frequency_penalty } : {}),
    ...(p.repetition_penalty != null ? { repetition_penalty: p.repetition_penalty } : {}),
  };
  if ('messages' in request.prompt) {
    const messages = request.prompt.messages.map(openAIMessage);
    const fields = constraintFields(request, '/v1/chat/completions', upstream, url);
    return { path: '/v1/chat/completions', body: { ...common, messages, logprobs: true, ...(topN > 0 ? { top_logprobs: topN } : {}), ...fields } };
  }
  const fields = constraintFields(request, '/v1/completions', upstream, url);
  return { path: '/v1/completions', body: { ...common, prompt: request.prompt.text, logprobs: Math.max(1, topN), ...fields } };
}

/** A chat message as OpenAI writes it: an assistant turn's calls and a tool turn's call id kept. */
function openAIMessage(message: ChatMessage): Record<string, unknown> {
  return {
    role: message.role,
    content: message.content,
    ...(message.toolCalls?.length ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) } : {}),
    ...(message.toolCallId !== undefined ? { tool_call_id: message.toolCallId } : {}),
  };
}

interface ChatLogprob {
  token: string;
  logprob: number;
  id?: number;
  top_logprobs?: { token: string; logprob: number; id?: number }[];
}

interface Chunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: ToolCallChunk[] | null };
    text?: string;
    logprobs?: { content?: ChatLogprob[] | null; token_logprobs?: (number | null)[]; top_logprobs?: Record<string, number>[] | null } | null;
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  /** llama-server's extension: the ids of the chunk's tokens. */
  tokens?: number[];
  error?: string | { message?: string; type?: string };
}

/**
 * An OpenAI stream as Brook's events, one per chunk that adds text or to a call. OpenAI hides the end-of-turn
 * token, so an upstream that stopped on its own ends with a special token of no text, as the local model's
 * stream does. With tools, each event says what it adds as tool-call deltas and the end carries the calls.
 */
export async function* readOpenAIStream(body: ReadableStream<Uint8Array>, context: StreamContext): AsyncGenerator<GenerationEvent> {
  const stream = new UpstreamStream(context);
  const maxNewTokens = context.request.parameters.max_new_tokens ?? Number.POSITIVE_INFINITY;
  const topN = context.request.parameters.top_n_tokens ?? 0;
  const calls = context.request.constraint?.type === 'tools' ? new UpstreamToolCalls() : null;
  const withCalls = (end: EndEvent): EndEvent => (calls ? { ...end, toolCalls: [...calls.calls] } : end);
  const deltas = (list: ToolCallDelta[]) => (calls ? { toolCallDeltas: list } : {});
  let finish: string | null = null;
  try {
    for await (const data of sseData(body)) {
      if (data === '[DONE]') break;
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error !== undefined) {
        const error = typeof chunk.error === 'string' ? { message: chunk.error } : chunk.error;
        throw new ApiError((error.type as ErrorType) ?? 'incomplete_generation', `The remote server at ${context.url}: ${error.message ?? 'error'}`);
      }
      if (chunk.usage?.prompt_tokens != null) stream.inputLength = chunk.usage.prompt_tokens;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const text = choice.delta?.content ?? choice.text ?? '';
      const callDeltas = calls?.push(text, choice.delta?.tool_calls) ?? [];
      // A call's argument fragments are generated text too (the local engine's text holds its calls in its template's syntax).
      const generated = text + callDeltas.map((delta) => (delta.type === 'arguments' ? delta.text : '')).join('');
      if ((text !== '' || callDeltas.length > 0) && !stream.ended) {
        const logprob = choice.logprobs?.content?.[0];
        const token: GeneratedToken = {
          id: chunk.tokens?.[0] ?? logprob?.id ?? 0,
          text: generated,
          logprob: logprob?.logprob ?? choice.logprobs?.token_logprobs?.[0] ?? null,
          special: false,
        };
        const top = topN > 0 ? topTokens(logprob, choice.logprobs?.top_logprobs?.[0]) : undefined;
        yield { ...stream.token(token, stream.count + 1 >= maxNewTokens, top), ...deltas(callDeltas) };
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  } catch (error) {
    yield withCalls(stream.failure(error));
    return;
  }
  if (finish === null) {
    if (context.signal.aborted) yield withCalls(stream.end('length', true));
    else stream.cutOff();
    return;
  }
  if (finish === 'length') {
    yield withCalls(stream.end('length'));
    return;
  }
  // "tool_calls" ends the turn like "stop": the front doors tell a reply of calls by the calls it carries.
  if (!stream.ended) yield { ...stream.token({ id: 0, text: '', logprob: null, special: true }, true), ...deltas([]) };
  yield withCalls(stream.end('eos_token'));
}

function topTokens(chat: ChatLogprob | undefined, completion: Record<string, number> | undefined): GeneratedToken[] | undefined {
  if (chat?.top_logprobs) return chat.top_logprobs.map((top) => ({ id: top.id ?? 0, text: top.token, logprob: top.logprob, special: false }));
  if (completion) return Object.entries(completion).map(([text, logprob]) => ({ id: 0, text, logprob, special: false }));
  return undefined;
}
