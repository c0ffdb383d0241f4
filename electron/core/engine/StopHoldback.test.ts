import { describe, expect, it } from 'vitest';
import { StopHoldback } from './StopHoldback.js';

/** Feeds pieces one by one; returns what was sent after each, and after the end. */
function feed(stops: string[], pieces: string[]) {
  const holdback = new StopHoldback<number>(stops);
  const sent = pieces.map((piece, i) => holdback.push(piece, i));
  const rest = holdback.finish();
  return { holdback, sent: [...sent.map((r) => r.text), rest.text], tokens: [...sent.flatMap((r) => r.tokens), ...rest.tokens] };
}

describe('StopHoldback', () => {
  it('passes text through unchanged when there are no stop sequences', () => {
    const { sent, tokens, holdback } = feed([], ['Hello', ',', ' world']);
    expect(sent).toEqual(['Hello', ',', ' world', '']);
    expect(tokens).toEqual([0, 1, 2]);
    expect(holdback.result).toBe('Hello, world');
  });

  it('drops the stop sequence and what follows it, even inside one token', () => {
    const { sent, holdback } = feed(['.'], ['The', ' capital', ' is', ' Paris', '.\n', ' More']);
    expect(sent.join('')).toBe('The capital is Paris');
    expect(holdback.result).toBe('The capital is Paris');
    expect(holdback.stopped).toBe(true);
  });

  it('holds back text that may begin a stop sequence, and never sends it when the sequence completes', () => {
    const { sent } = feed(['France is'], ['The', ' capital', ' of', ' France', ' is', ' Paris']);
    // ' France' sends its space; 'France' waits, then ' is' completes the stop sequence.
    expect(sent).toEqual(['The', ' capital', ' of', ' ', '', '', '']);
  });

  it('releases held text once it turns out not to be a stop sequence', () => {
    const { sent, holdback } = feed(['France was'], ['The', ' capital', ' of', ' France', ' is', ' Paris']);
    expect(sent).toEqual(['The', ' capital', ' of', ' ', 'France is', ' Paris', '']);
    expect(holdback.result).toBe('The capital of France is Paris');
  });

  it('sends a held partial match at the end when generation stops for another reason', () => {
    const { sent } = feed(['<END>'], ['abc', '<E']);
    expect(sent).toEqual(['abc', '', '<E']);
  });

  it('finds a stop sequence split over several tokens and picks the earliest of several', () => {
    const { holdback } = feed(['xyz', 'b c'], ['a ', 'b', ' c', 'xyz']);
    expect(holdback.result).toBe('a ');
  });

  it('releases each token value with the text it begins, and drops those of the stop sequence', () => {
    const { tokens, holdback } = feed(['France is'], ['The', ' capital', ' of', ' France', ' is', ' Paris']);
    expect(holdback.result).toBe('The capital of ');
    // ' France' begins (with its space) before the cut; ' is' and ' Paris' begin inside the stop sequence or after it.
    expect(tokens).toEqual([0, 1, 2, 3]);
  });

  it('keeps a token with no text yet (a split character) until the text after it is sent', () => {
    const holdback = new StopHoldback<string>([]);
    expect(holdback.push('', 'half')).toEqual({ text: '', tokens: [] });
    expect(holdback.push('é', 'rest')).toEqual({ text: 'é', tokens: ['half', 'rest'] });
  });
});
