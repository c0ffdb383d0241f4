/** Finds the first of the request's stop sequences in text that grows token by token. */
export class StopSequenceMatcher {
  private text = '';
  private readonly longest: number;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = Math.max(0, ...sequences.map((s) => s.length));
  }

  /** Appends generated text; returns the stop sequence it completed, if any. */
  push(piece: string): string | null {
    if (this.sequences.length === 0 || piece === '') return null;
    // Only the new text and the tail that a stop sequence could straddle need searching.
    const from = Math.max(0, this.text.length - this.longest + 1);
    this.text += piece;
    const window = this.text.slice(from);
    let found: { sequence: string; at: number } | null = null;
    for (const sequence of this.sequences) {
      const at = window.indexOf(sequence);
      if (at !== -1 && (found === null || at < found.at)) found = { sequence, at };
    }
    return found?.sequence ?? null;
  }
}
