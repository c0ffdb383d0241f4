// Reads a tools-constrained generation, piece by piece, as reply text and calls. The grammar (outputGrammar.ts)
// guarantees the shape — calls written in the template's syntax (ToolCallSyntax.ts), one after another, or in
// auto mode plain text that does not start like a call — so this reader only has to follow it.
import type { ToolCall, ToolCallDelta } from '../wire/generation.js';
import { toolCallId } from './toolCallId.js';
import type { ToolCallSyntax } from './ToolCallSyntax.js';

type State = 'undecided' | 'text' | 'prefix' | 'name' | 'arguments' | 'suffix' | 'between';

export class ToolCallStream {
  private state: State;
  private buffer = '';
  private readonly made: ToolCall[] = [];
  private text = '';
  // Where the arguments' JSON is: object depth, inside a string, after a backslash.
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** `auto`: the model may answer in text instead; otherwise the output is calls only. */
  constructor(
    private readonly syntax: ToolCallSyntax,
    auto: boolean,
  ) {
    this.state = auto ? 'undecided' : 'prefix';
  }

  /** The calls read so far. */
  get calls(): readonly ToolCall[] {
    return this.made;
  }

  /** The reply text read so far (auto mode, when the model answered instead of calling). */
  get content(): string {
    return this.text;
  }

  push(piece: string): ToolCallDelta[] {
    this.buffer += piece;
    const deltas: ToolCallDelta[] = [];
    for (;;) {
      const before = this.state;
      const length = this.buffer.length;
      this.step(deltas);
      if (this.state === before && this.buffer.length === length) return deltas;
    }
  }

  /** What is left at the end (a generation cut off by its token limit ends mid-call). */
  finish(): ToolCallDelta[] {
    const deltas: ToolCallDelta[] = [];
    if ((this.state === 'text' || this.state === 'undecided') && this.buffer) deltas.push(this.addText(this.buffer));
    else if (this.state === 'arguments' && this.buffer) deltas.push(this.addArguments(this.buffer));
    this.buffer = '';
    return deltas;
  }

  private step(deltas: ToolCallDelta[]): void {
    const { prefix, paramsPrefix, suffix, separator } = this.syntax;
    switch (this.state) {
      case 'undecided':
        if (this.buffer) this.state = this.buffer[0] === prefix[0] ? 'prefix' : 'text';
        return;
      case 'text':
        if (this.buffer) deltas.push(this.addText(this.take(this.buffer.length)));
        return;
      case 'prefix':
        if (this.buffer.length >= prefix.length) {
          this.take(prefix.length);
          this.state = 'name';
        }
        return;
      case 'name': {
        const end = this.buffer.indexOf(paramsPrefix);
        if (end < 0) return;
        const name = this.take(end).trim();
        this.take(paramsPrefix.length);
        const call: ToolCall = { id: toolCallId(), name, arguments: '' };
        this.made.push(call);
        deltas.push({ type: 'call', index: this.made.length - 1, id: call.id, name });
        this.state = 'arguments';
        this.depth = 0;
        return;
      }
      case 'arguments': {
        const end = this.argumentsEnd();
        if (end < 0) {
          if (this.buffer) deltas.push(this.addArguments(this.take(this.buffer.length)));
          return;
        }
        if (end > 0) deltas.push(this.addArguments(this.take(end)));
        this.state = 'suffix';
        return;
      }
      case 'suffix':
        if (this.buffer.length >= suffix.length) {
          this.take(suffix.length);
          this.state = 'between';
        }
        return;
      case 'between':
        if (this.buffer.length >= separator.length && this.buffer.startsWith(separator)) {
          this.take(separator.length);
          this.state = 'prefix';
        }
        return;
    }
  }

  /** Where the arguments' JSON value ends in the buffer (the index after its closing brace), or -1. Scans each character once. */
  private argumentsEnd(): number {
    for (let i = 0; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') this.depth++;
      else if (char === '}' || char === ']') {
        this.depth--;
        if (this.depth === 0) return i + 1;
      }
    }
    // All scanned: the caller takes the whole buffer, so the scan resumes at the next piece.
    return -1;
  }

  private take(count: number): string {
    const taken = this.buffer.slice(0, count);
    this.buffer = this.buffer.slice(count);
    return taken;
  }

  private addText(text: string): ToolCallDelta {
    this.text += text;
    return { type: 'text', text };
  }

  private addArguments(text: string): ToolCallDelta {
    const index = this.made.length - 1;
    this.made[index]!.arguments += text;
    return { type: 'arguments', index, text };
  }
}
