import { describe, expect, it } from 'vitest';
import { finishedSentencesEnd } from './sentences';

describe('finishedSentencesEnd', () => {
  it('ends after the last finished sentence or line', () => {
    expect(finishedSentencesEnd('Hello there. How are')).toBe('Hello there. '.length);
    expect(finishedSentencesEnd('One! Two? Three')).toBe('One! Two? '.length);
    expect(finishedSentencesEnd('A list:\n- item')).toBe('A list:\n'.length);
    expect(finishedSentencesEnd('He said "yes." Then')).toBe('He said "yes." '.length);
  });

  it('is 0 while the first sentence goes on, and ignores decimals', () => {
    expect(finishedSentencesEnd('Pi is 3.14 and')).toBe(0);
    expect(finishedSentencesEnd('')).toBe(0);
  });
});
