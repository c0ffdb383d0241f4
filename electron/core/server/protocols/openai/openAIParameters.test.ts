import { describe, expect, it } from 'vitest';
import { parse } from '../../../wire/validator.js';
import { ChatCompletionRequest, CompletionRequest } from '../../../wire/openai.js';
import { chatMessages, chatParameters, completionParameters, completionPrompt } from './openAIParameters.js';

const chat = (extra: Record<string, unknown>) => chatParameters(parse(ChatCompletionRequest, { messages: [{ role: 'user', content: 'hi' }], ...extra }));
const completion = (extra: Record<string, unknown>) => completionParameters(parse(CompletionRequest, { prompt: 'hi', ...extra }));

describe('OpenAI → TGI parameters', () => {
  it('temperature 0 is greedy with no warpers, whatever else is sent', () => {
    expect(chat({ temperature: 0, top_p: 0.5, seed: 7, max_tokens: 12 })).toEqual({ stop: [], do_sample: false, max_new_tokens: 12, top_n_tokens: 0 });
  });

  it('samples by default (OpenAI temperature 1), leaving top_p = 1 out since TGI needs < 1', () => {
    expect(chat({})).toEqual({ stop: [], do_sample: true, max_new_tokens: null, top_n_tokens: 0 });
    expect(chat({ temperature: 1, top_p: 1 })).toEqual({ stop: [], do_sample: true, max_new_tokens: null, top_n_tokens: 0 });
  });

  it('maps temperature, top_p, seed, penalties and stop', () => {
    expect(chat({ temperature: 0.7, top_p: 0.9, seed: 42, stop: 'END', frequency_penalty: 0.5, presence_penalty: 1, max_completion_tokens: 5, max_tokens: 9 })).toEqual({
      stop: ['END'],
      frequency_penalty: 0.5,
      do_sample: true,
      temperature: 0.7,
      top_p: 0.9,
      seed: 42,
      max_new_tokens: 5,
      top_n_tokens: 0,
    });
    expect(chat({ seed: -1 }).seed).toBe(2 ** 32 - 1);
  });

  it('maps logprobs and top_logprobs to top_n_tokens, and refuses top_logprobs without logprobs', () => {
    expect(chat({ logprobs: true, top_logprobs: 3 }).top_n_tokens).toBe(3);
    expect(chat({ logprobs: true }).top_n_tokens).toBe(0);
    expect(() => chat({ top_logprobs: 2 })).toThrow(/needs `logprobs: true`/);
  });

  it('refuses n and best_of other than 1, more than 4 stop sequences and out-of-range values with 422 messages', () => {
    expect(() => chat({ n: 2 })).toThrow(/`n` must be 1/);
    expect(() => completion({ best_of: 3 })).toThrow(/`best_of` must be 1/);
    expect(() => chat({ stop: ['a', 'b', 'c', 'd', 'e'] })).toThrow(/array of up to 4 non-empty strings/);
    expect(() => chat({ temperature: 3 })).toThrow(/`temperature` must be >= 0 and <= 2/);
    expect(() => chat({ top_logprobs: 6, logprobs: true })).toThrow(/`top_logprobs` must be >= 0 and <= 5/);
    expect(() => chat({ messages: [] })).toThrow(/at least one message/);
    expect(() => chat({ messages: [{ role: 'function', content: 'x' }] })).toThrow(/`role` must be/);
    expect(() => chat({ stop: [''] })).toThrow(/array of up to 4 non-empty strings/);
    expect(() => completion({ prompt: '' })).toThrow(/`prompt` must be a non-empty string/);
  });

  it("takes TGI's parameters as @huggingface/inference sends them to /v1/completions", () => {
    // textGenerationStream({ inputs, parameters: { max_new_tokens: 8, do_sample: false, stop: ['x'] } }) sends:
    expect(completion({ model: 'http://127.0.0.1:8080', stream: true, max_tokens: 8, do_sample: false, stop: ['x'] })).toEqual({
      stop: ['x'],
      do_sample: false,
      max_new_tokens: 8,
      top_n_tokens: 0,
      truncate: null,
    });
    expect(completion({ top_k: 5, typical_p: 0.5, repetition_penalty: 1.2, logprobs: 2, truncate: 10 })).toEqual({
      stop: [],
      repetition_penalty: 1.2,
      do_sample: true,
      top_k: 5,
      typical_p: 0.5,
      max_new_tokens: null,
      top_n_tokens: 2,
      truncate: 10,
    });
  });

  it('takes min_p as llama-server and vLLM do: above 0 it samples; 0 is off; 1 and beyond are refused', () => {
    expect(chat({ do_sample: false, min_p: 0.05 })).toEqual({ stop: [], do_sample: true, min_p: 0.05, max_new_tokens: null, top_n_tokens: 0 });
    expect(completion({ do_sample: false, min_p: 0 })).toEqual({ stop: [], do_sample: false, max_new_tokens: null, top_n_tokens: 0, truncate: null });
    expect(chat({ temperature: 0, min_p: 0.05 })).toEqual({ stop: [], do_sample: false, max_new_tokens: null, top_n_tokens: 0 });
    expect(() => chat({ min_p: 1 })).toThrow(/`min_p` must be >= 0.0 and < 1.0/);
    expect(() => completion({ min_p: -0.1 })).toThrow(/`min_p` must be >= 0.0 and < 1.0/);
  });

  it('joins text parts, reads developer as system and null content as empty', () => {
    expect(
      chatMessages([
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello, ' }, { type: 'text', text: 'there' }] },
        { role: 'assistant', content: null },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello, there' },
      { role: 'assistant', content: '' },
    ]);
    expect(completionPrompt(['one'])).toBe('one');
  });
});
