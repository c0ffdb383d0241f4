/**
 * Where the finished sentences of a growing text end: after the last `.`, `!`, `?` or `…` that is followed by
 * whitespace, or after the last line break. A screen reader is given whole sentences, never single tokens.
 */
export function finishedSentencesEnd(text: string): number {
  let end = 0;
  for (const match of text.matchAll(/[.!?…]["')\]]*\s|\n/g)) end = match.index + match[0].length;
  return end;
}
