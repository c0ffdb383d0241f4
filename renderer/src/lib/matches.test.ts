import { describe, expect, it } from 'vitest';
import { splitMatches } from './matches';

describe('splitMatches', () => {
  it('marks every match, whatever its case', () => {
    expect(splitMatches('Rivers and river banks', 'RIVER')).toEqual([
      { text: 'River', match: true },
      { text: 's and ', match: false },
      { text: 'river', match: true },
      { text: ' banks', match: false },
    ]);
  });

  it('leaves the text whole without a query or a match', () => {
    expect(splitMatches('Lakes', '')).toEqual([{ text: 'Lakes', match: false }]);
    expect(splitMatches('Lakes', 'sea')).toEqual([{ text: 'Lakes', match: false }]);
  });
});
