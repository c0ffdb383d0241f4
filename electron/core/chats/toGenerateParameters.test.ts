import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_SETTINGS, type ChatSettings } from '../wire/chats.js';
import { toGenerateParameters } from './toGenerateParameters.js';

const settings = (patch: Partial<ChatSettings>): ChatSettings => ({ ...DEFAULT_CHAT_SETTINGS, ...patch });

describe('toGenerateParameters', () => {
  it('passes min_p when it is on, and leaves it out when it is 0 or absent (a chat saved before it existed)', () => {
    expect(toGenerateParameters(settings({ min_p: 0.05 }), 10).min_p).toBe(0.05);
    expect(toGenerateParameters(settings({ min_p: 0 }), 10)).not.toHaveProperty('min_p');
    const { min_p: _absent, ...older } = DEFAULT_CHAT_SETTINGS;
    expect(toGenerateParameters(older, 10)).not.toHaveProperty('min_p');
  });

  it('leaves min_p out of a greedy chat (temperature 0), where TGI would otherwise sample', () => {
    expect(toGenerateParameters(settings({ temperature: 0, min_p: 0.05 }), 10)).toEqual({ max_new_tokens: 10, do_sample: false });
  });
});
