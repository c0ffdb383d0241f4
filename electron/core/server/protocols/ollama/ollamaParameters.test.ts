import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../wire/bridge.js';
import { ollamaParameters } from './ollamaParameters.js';

const info: ModelInfo = { backend: 'scripted', id: 'm', path: 'm.gguf', sizeBytes: null, trainContextSize: 2048, contextSize: 2048, sequences: 1, threads: null, gpu: false };

describe('Ollama options → TGI parameters', () => {
  it('honours min_p: above 0 it is passed on; 0 (Ollama\'s default) leaves it off', () => {
    expect(ollamaParameters({ min_p: 0.05 }, info)).toMatchObject({ do_sample: true, min_p: 0.05 });
    expect(ollamaParameters({ min_p: 0 }, info)).not.toHaveProperty('min_p');
    expect(ollamaParameters({ temperature: 0, min_p: 0.05 }, info)).toEqual({ stop: [], max_new_tokens: 2048, do_sample: false });
  });
});
