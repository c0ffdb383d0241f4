// The served model as Ollama's model routes describe it (/api/tags, /api/ps, /api/show): its name, details,
// GGUF metadata and capabilities. Metadata is read from the GGUF header once per file (node-llama-cpp's
// readGgufFileInfo); a remote or scripted model has none and gets what Brook knows about it.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { GgufFileType, readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import type { ModelInfo } from '../../../wire/bridge.js';
import type { OllamaModelDetails, OllamaModelSummary, OllamaRunningModel, OllamaShowResponse } from '../../../wire/ollama.js';
import { OLLAMA_DEFAULTS } from './ollamaParameters.js';

/** Brook keeps its model loaded while it runs; Python's datetime (the `ollama` client's) goes up to year 9999. */
const NEVER_EXPIRES = '9999-12-31T23:59:59Z';

/** Large arrays of the tokenizer: not worth reading for a description (Ollama leaves them out too unless verbose). */
const SKIPPED_KEYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges', 'tokenizer.ggml.scores'];

interface ModelFacts {
  gguf: GgufFileInfo | null;
  modifiedAt: string;
}

const facts = new Map<string, Promise<ModelFacts>>();

/** The name the model routes list, in Ollama's `name:tag` form. */
export function ollamaName(info: ModelInfo): string {
  return info.id.includes(':') ? info.id : `${info.id}:latest`;
}

export async function modelSummary(info: ModelInfo): Promise<OllamaModelSummary> {
  const { gguf, modifiedAt } = await factsOf(info);
  const name = ollamaName(info);
  return {
    name,
    model: name,
    modified_at: modifiedAt,
    size: info.sizeBytes ?? 0,
    digest: createHash('sha256').update(`${info.path}\0${info.sizeBytes ?? ''}`).digest('hex'),
    details: details(gguf),
  };
}

export async function runningModel(info: ModelInfo): Promise<OllamaRunningModel> {
  return { ...(await modelSummary(info)), expires_at: NEVER_EXPIRES, size_vram: info.gpu ? (info.sizeBytes ?? 0) : 0, context_length: info.contextSize };
}

export async function showModel(info: ModelInfo, capabilities: string[]): Promise<OllamaShowResponse> {
  const { gguf, modifiedAt } = await factsOf(info);
  const architecture = gguf?.metadata.general.architecture ?? 'unknown';
  const modelInfo: Record<string, unknown> = {
    ...flatten(gguf?.metadata ?? {}),
    'general.architecture': architecture,
    'general.basename': gguf?.metadata.general.basename ?? info.id,
    // What a client may send per request (VS Code sizes its prompts from this), not what the model was trained on.
    [`${architecture}.context_length`]: info.contextSize,
  };
  delete modelInfo['tokenizer.chat_template'];
  return {
    modelfile: `# Brook serves this model as it is; it has no Modelfile.\nFROM ${info.path}\n`,
    parameters: [
      `temperature ${OLLAMA_DEFAULTS.temperature}`,
      `top_k ${OLLAMA_DEFAULTS.top_k}`,
      `top_p ${OLLAMA_DEFAULTS.top_p}`,
      `num_ctx ${info.contextSize}`,
    ].join('\n'),
    template: gguf?.metadata.tokenizer?.chat_template ?? '',
    license: String(gguf?.metadata.general.license ?? ''),
    modified_at: modifiedAt,
    details: details(gguf),
    model_info: modelInfo,
    capabilities,
  };
}

function details(gguf: GgufFileInfo | null): OllamaModelDetails {
  const general = gguf?.metadata.general;
  const family = general?.architecture ?? 'unknown';
  const fileType = general?.file_type;
  return {
    parent_model: '',
    format: gguf ? 'gguf' : 'unknown',
    family,
    families: [family],
    parameter_size: general?.size_label ?? '',
    quantization_level: fileType === undefined ? '' : String(GgufFileType[fileType] ?? fileType).replace(/^(MOSTLY|ALL)_/, ''),
  };
}

function factsOf(info: ModelInfo): Promise<ModelFacts> {
  let known = facts.get(info.path);
  if (!known) {
    known = readFacts(info);
    facts.set(info.path, known);
  }
  return known;
}

async function readFacts(info: ModelInfo): Promise<ModelFacts> {
  if (info.backend !== 'local') return { gguf: null, modifiedAt: new Date().toISOString() };
  const [gguf, stats] = await Promise.all([
    readGgufFileInfo(info.path, { readTensorInfo: false, ignoreKeys: SKIPPED_KEYS }).catch(() => null),
    stat(info.path).catch(() => null),
  ]);
  return { gguf, modifiedAt: (stats?.mtime ?? new Date()).toISOString() };
}

/** GGUF metadata as Ollama's dotted keys ("llama.block_count"); arrays and nested objects of values kept as values. */
function flatten(value: object, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) Object.assign(flat, flatten(item as object, name));
    else flat[name] = typeof item === 'bigint' ? Number(item) : item;
  }
  return flat;
}
