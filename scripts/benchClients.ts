// How `npm run bench` measures one generation on each path: when the first token arrives, when the last one
// does, and how many there were. Every client starts its clock when it hands the request over.
import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import type { Brook } from '../electron/core/Brook.js';
import type { Engine } from '../electron/core/engine/Engine.js';
import { readSse } from '../electron/core/testing/readSse.js';
import type { ChatMessage } from '../electron/core/wire/generation.js';

export interface StreamRun {
  /** From handing the request over to the first token. */
  firstTokenMs: number;
  /** From handing the request over to the last token. */
  lastTokenMs: number;
  /** Tokens generated. */
  tokens: number;
  text: string;
  /** For a server in a child process: its CPU time per token generated (scripts/processCpu.ts). */
  cpu?: { processMsPerToken: number; mainThreadMsPerToken: number };
}

/** The decode rate: tokens after the first, per second after the first. */
export function tokensPerSecond(run: StreamRun): number {
  return run.tokens > 1 && run.lastTokenMs > run.firstTokenMs ? ((run.tokens - 1) * 1000) / (run.lastTokenMs - run.firstTokenMs) : Number.NaN;
}

/** node-llama-cpp alone: `sequence.evaluate` greedy, one token after another, nothing else (no logprobs, no text). */
export async function bareLoop(engine: Engine, sequence: LlamaContextSequence, prompt: string, maxTokens: number): Promise<StreamRun> {
  await sequence.clearHistory();
  const tokens = engine.tokenize({ text: prompt });
  const started = performance.now();
  let first = 0;
  let last = 0;
  const generated: Token[] = [];
  for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
    last = performance.now() - started;
    if (generated.length === 0) first = last;
    generated.push(token);
    if (generated.length >= maxTokens) break;
  }
  return { firstTokenMs: first, lastTokenMs: last, tokens: generated.length, text: '' };
}

/** Brook's engine in this process: `prepare` + `run`, the per-token path every front door shares. */
export async function engineRun(engine: Engine, sequence: LlamaContextSequence, prompt: string, maxTokens: number): Promise<StreamRun> {
  const started = performance.now();
  const prepared = engine.prepare({ prompt: { text: prompt }, parameters: { max_new_tokens: maxTokens } });
  let first = 0;
  let last = 0;
  let tokens = 0;
  let text = '';
  for await (const event of engine.run(prepared, sequence, new AbortController().signal)) {
    if (event.type !== 'token') continue;
    last = performance.now() - started;
    if (++tokens === 1) first = last;
    text += event.token.text;
  }
  return { firstTokenMs: first, lastTokenMs: last, tokens, text };
}

async function post(url: string, body: unknown): Promise<Response> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** TGI's `/generate_stream` (Brook): one event per token. */
export async function tgiStream(url: string, prompt: string, maxTokens: number): Promise<StreamRun> {
  const started = performance.now();
  const response = await post(`${url}/generate_stream`, { inputs: prompt, parameters: { max_new_tokens: maxTokens } });
  const { events } = await readSse(response, started);
  const frames = events.map((event) => ({ at: event.at, frame: JSON.parse(event.data) as { token?: { text: string } } })).filter(({ frame }) => frame.token);
  if (frames.length === 0) throw new Error(`${url}/generate_stream sent no token: ${events.map((event) => event.data).join('\n')}`);
  return { firstTokenMs: frames[0]!.at, lastTokenMs: frames.at(-1)!.at, tokens: frames.length, text: frames.map(({ frame }) => frame.token!.text).join('') };
}

interface OpenAIChunk {
  choices?: { text?: string; delta?: { content?: string | null } }[];
  usage?: { completion_tokens: number } | null;
}

/**
 * OpenAI's streamed `/v1/completions` (raw text) or `/v1/chat/completions` (`messages`), Brook's or
 * llama-server's: the first and last chunks with text, and the token count from `usage`.
 */
export async function openAIStream(url: string, prompt: string | ChatMessage[], maxTokens: number): Promise<StreamRun> {
  const chat = typeof prompt !== 'string';
  const body = {
    ...(chat ? { messages: prompt } : { prompt }),
    max_tokens: maxTokens,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  };
  const started = performance.now();
  const response = await post(`${url}/v1/${chat ? 'chat/completions' : 'completions'}`, body);
  const { events } = await readSse(response, started);
  let first = 0;
  let last = 0;
  let chunks = 0;
  let usage: number | null = null;
  let text = '';
  for (const event of events) {
    if (event.data === '[DONE]') continue;
    const chunk = JSON.parse(event.data) as OpenAIChunk;
    if (chunk.usage) usage = chunk.usage.completion_tokens;
    const piece = chunk.choices?.[0]?.text ?? chunk.choices?.[0]?.delta?.content ?? '';
    if (!piece) continue;
    if (chunks++ === 0) first = event.at;
    last = event.at;
    text += piece;
  }
  if (chunks === 0) throw new Error(`${response.url} sent no text: ${events.map((event) => event.data).join('\n')}`);
  return { firstTokenMs: first, lastTokenMs: last, tokens: usage ?? chunks, text };
}

/** Ollama's `/api/generate` (raw prompt, NDJSON): one line per piece of text, the count from the last line. */
export async function ollamaStream(url: string, prompt: string, maxTokens: number): Promise<StreamRun> {
  const started = performance.now();
  const response = await post(`${url}/api/generate`, { model: 'brook', prompt, raw: true, options: { temperature: 0, num_predict: maxTokens } });
  const lines: { at: number; line: { response?: string; done?: boolean; eval_count?: number } }[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const at = performance.now() - started;
    buffered += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (text.trim()) lines.push({ at, line: JSON.parse(text) as (typeof lines)[number]['line'] });
    }
  }
  const pieces = lines.filter(({ line }) => line.response);
  if (pieces.length === 0) throw new Error(`${url}/api/generate sent no text`);
  const count = lines.at(-1)?.line.eval_count ?? pieces.length;
  return { firstTokenMs: pieces[0]!.at, lastTokenMs: pieces.at(-1)!.at, tokens: count, text: pieces.map(({ line }) => line.response).join('') };
}

/**
 * A named-event stream (Anthropic's `/v1/messages`, OpenAI's `/v1/responses`): the events carrying text, and
 * the token count from the usage the protocol reports at the end.
 */
async function namedEventStream(url: string, path: string, body: unknown, textOf: (event: Record<string, unknown>) => string, countOf: (event: Record<string, unknown>) => number | null): Promise<StreamRun> {
  const started = performance.now();
  const response = await post(`${url}${path}`, body);
  const { events } = await readSse(response, started);
  let first = 0;
  let last = 0;
  let pieces = 0;
  let count: number | null = null;
  let text = '';
  for (const event of events) {
    const data = JSON.parse(event.data) as Record<string, unknown>;
    count = countOf(data) ?? count;
    const piece = textOf(data);
    if (!piece) continue;
    if (pieces++ === 0) first = event.at;
    last = event.at;
    text += piece;
  }
  if (pieces === 0) throw new Error(`${url}${path} sent no text`);
  return { firstTokenMs: first, lastTokenMs: last, tokens: count ?? pieces, text };
}

/** Anthropic's streamed `/v1/messages`: text from content_block_delta, the count from message_delta's usage. */
export function anthropicStream(url: string, prompt: string, maxTokens: number): Promise<StreamRun> {
  return namedEventStream(
    url,
    '/v1/messages',
    { model: 'brook', max_tokens: maxTokens, temperature: 0, stream: true, messages: [{ role: 'user', content: prompt }] },
    (event) => (event.type === 'content_block_delta' ? ((event.delta as { text?: string }).text ?? '') : ''),
    (event) => (event.type === 'message_delta' ? ((event.usage as { output_tokens?: number }).output_tokens ?? null) : null),
  );
}

/** OpenAI's streamed `/v1/responses`: text from response.output_text.delta, the count from the final response's usage. */
export function responsesStream(url: string, prompt: string, maxTokens: number): Promise<StreamRun> {
  return namedEventStream(
    url,
    '/v1/responses',
    { model: 'brook', input: prompt, max_output_tokens: maxTokens, temperature: 0, stream: true },
    (event) => (event.type === 'response.output_text.delta' ? ((event.delta as string | undefined) ?? '') : ''),
    (event) => ((event.response as { usage?: { output_tokens?: number } } | undefined)?.usage?.output_tokens ?? null),
  );
}

/**
 * The window's path: `ChatService.send`, as the IPC handler calls it, with the reply read from `onReply`,
 * the updates the main process forwards to the window (batched, at most one per frame).
 */
export async function windowPath(brook: Brook, prompt: string, maxTokens: number): Promise<StreamRun> {
  const conversation = await brook.chats.create({ temperature: 0, max_new_tokens: maxTokens });
  let first = 0;
  let last = 0;
  let text = '';
  let started = 0;
  let messageId = '';
  const done = new Promise<number>((resolve, reject) => {
    const unsubscribe = brook.chats.onReply((update) => {
      if (update.conversationId !== conversation.id) return;
      if (update.text) {
        last = performance.now() - started;
        if (!text) first = last;
        text += update.text;
      }
      if (update.final) {
        unsubscribe();
        if (update.final.status === 'error') reject(new Error(`the window's reply failed: ${update.final.error ?? 'unknown error'}`));
        else resolve(update.final.stats?.tokens ?? 0);
      }
    });
  });
  started = performance.now();
  ({ assistantMessage: { id: messageId } } = await brook.chats.send(conversation.id, null, prompt));
  const tokens = await done;
  await brook.chats.delete(conversation.id);
  if (!messageId || !text) throw new Error("the window's reply had no text");
  return { firstTokenMs: first, lastTokenMs: last, tokens, text };
}
