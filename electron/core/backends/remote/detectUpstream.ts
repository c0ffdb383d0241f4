import { ApiError } from '../../errors.js';
import type { ModelInfo } from '../../wire/bridge.js';
import { upstreamError, upstreamFetch } from './upstreamFetch.js';

export interface Upstream {
  protocol: 'tgi' | 'openai';
  info: ModelInfo;
  /** Set for llama.cpp's llama-server, which takes a GBNF `grammar` and a `json_schema` beside OpenAI's fields, even on /v1/completions. */
  llamaCpp: LlamaCpp | null;
}

export interface LlamaCpp {
  /** Its chat template can present tools and read calls; without it llama-server answers a tools request in plain text. */
  toolCalls: boolean;
}

/** Context assumed for an OpenAI server that does not say its own. */
const FALLBACK_CONTEXT = 4096;
const DETECT_TIMEOUT_MS = 10_000;

/**
 * What the server at `url` speaks and serves: TGI (and Brook) answer GET /info with their model and limits;
 * OpenAI servers (vLLM, llama-server) list their model at GET /v1/models.
 */
export async function detectUpstream(url: string, protocol: 'auto' | 'tgi' | 'openai', apiKey: string | null): Promise<Upstream> {
  if (protocol !== 'openai') {
    const response = await upstreamFetch(url, '/info', { apiKey, timeoutMs: DETECT_TIMEOUT_MS });
    const info = response.ok ? ((await response.json().catch(() => null)) as TgiInfo | null) : null;
    if (info && typeof info.model_id === 'string') return { protocol: 'tgi', info: tgiModel(url, info), llamaCpp: null };
    if (protocol === 'tgi') throw response.ok ? notProtocol(url, 'TGI', 'GET /info') : await upstreamError(response, url);
  }
  const response = await upstreamFetch(url, '/v1/models', { apiKey, timeoutMs: DETECT_TIMEOUT_MS });
  if (!response.ok) {
    if (response.status === 404) throw notProtocol(url, protocol === 'openai' ? 'OpenAI' : 'TGI or OpenAI', protocol === 'openai' ? 'GET /v1/models' : 'GET /info or GET /v1/models');
    throw await upstreamError(response, url);
  }
  const models = (await response.json().catch(() => null)) as { data?: OpenAIModel[] } | null;
  const model = models?.data?.[0];
  if (!model?.id) throw notProtocol(url, 'OpenAI', 'a model in GET /v1/models');
  const props = await llamaCppProps(url, apiKey);
  const llamaCpp = props ? { toolCalls: props.chat_template_caps?.supports_tool_calls !== false } : null;
  return { protocol: 'openai', info: openAIModel(url, model, props?.default_generation_settings?.n_ctx ?? null), llamaCpp };
}

interface TgiInfo {
  model_id: string;
  max_total_tokens?: number;
  max_concurrent_requests?: number;
}

interface OpenAIModel {
  id: string;
  /** vLLM says its context here. */
  max_model_len?: number;
  /** llama-server puts the model's metadata here. */
  meta?: { n_ctx_train?: number };
}

function tgiModel(url: string, info: TgiInfo): ModelInfo {
  const context = info.max_total_tokens ?? FALLBACK_CONTEXT;
  return remoteInfo(url, 'tgi', info.model_id, context, info.max_concurrent_requests ?? 1);
}

function openAIModel(url: string, model: OpenAIModel, servedContext: number | null): ModelInfo {
  const context = servedContext ?? model.max_model_len ?? model.meta?.n_ctx_train ?? FALLBACK_CONTEXT;
  return remoteInfo(url, 'openai', model.id, context, 1);
}

function remoteInfo(url: string, protocol: 'tgi' | 'openai', id: string, contextSize: number, sequences: number): ModelInfo {
  return { backend: 'remote', protocol, id, path: url, sizeBytes: null, trainContextSize: contextSize, contextSize, sequences, threads: null, gpu: false };
}

interface LlamaCppProps {
  /** The context of one slot is here. */
  default_generation_settings?: { n_ctx?: number };
  chat_template_caps?: { supports_tool_calls?: boolean };
}

/** llama-server describes itself at GET /props; other servers answer 404 and null is returned. */
async function llamaCppProps(url: string, apiKey: string | null): Promise<LlamaCppProps | null> {
  try {
    const response = await upstreamFetch(url, '/props', { apiKey, timeoutMs: DETECT_TIMEOUT_MS });
    if (!response.ok) return null;
    const props = (await response.json()) as LlamaCppProps;
    return props.default_generation_settings ? props : null;
  } catch {
    return null;
  }
}

function notProtocol(url: string, protocol: string, what: string): ApiError {
  return new ApiError('upstream_unavailable', `The server at ${url} does not look like a ${protocol} server: it gave no ${what}. Check the URL, or set the protocol (--remote-protocol tgi|openai).`);
}
