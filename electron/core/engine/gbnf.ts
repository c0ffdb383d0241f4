// Small pieces for composing GBNF grammars (llama.cpp's grammar format) out of node-llama-cpp's JSON-schema
// grammars, literals and regex-derived rules.
import { LlamaJsonSchemaGrammar, type GbnfJsonSchema, type Llama } from 'node-llama-cpp';

/** A GBNF string literal for `text`. */
export function literal(text: string): string {
  return JSON.stringify(text);
}

/** A GBNF character class item for one code point (escaped where the class syntax needs it). */
export function classChar(code: number): string {
  if (code === 0x5d || code === 0x5c || code === 0x5e || code === 0x2d) return `\\${String.fromCodePoint(code)}`;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return String.fromCodePoint(code);
}

/**
 * The rules of node-llama-cpp's grammar for `schema`, its root renamed to `name` and every other rule prefixed
 * with `name-`, so grammars of several schemas can live in one file. Its grammar ends the root with blank
 * lines (LlamaChat's cue to stop); here the JSON value ends the rule and the end-of-generation token follows.
 */
export function jsonSchemaRules(llama: Llama, schema: GbnfJsonSchema, name: string): string {
  // The constructor is synchronous (llama.createGrammarForJsonSchema only wraps it in a promise), and
  // Engine.prepare, which builds grammars, is synchronous.
  const grammar = new LlamaJsonSchemaGrammar(llama, schema as Parameters<Llama['createGrammarForJsonSchema']>[0]).grammar;
  const unterminated = grammar.replace(/^(root\s*::=.*?)\s*"\\n\\n\\n\\n"\s*\[\\n\]\*\s*$/m, '$1');
  if (unterminated === grammar) throw new Error('node-llama-cpp changed the shape of its JSON schema grammar; Brook cannot compose it.');
  // Integers of at most 15 digits, and no exponent: always within ±(2^53 − 1), so every integer parses exactly
  // (enforceableSchema.ts accepts safe-integer bounds on this promise).
  const safeIntegers = unterminated.replace(/^(integer-number-rule\s*::=).*$/m, '$1 "-"? ("0" | [1-9] [0-9]{0,14})');
  return renameRules(safeIntegers, (rule) => (rule === 'root' ? name : `${name}-${rule}`));
}

/** `grammar` with every rule name (definitions and references, not text inside literals or classes) renamed. */
export function renameRules(grammar: string, rename: (rule: string) => string): string {
  return grammar.replace(/"(?:\\.|[^"\\])*"|\[(?:\\.|[^\]\\])*\]|#[^\n]*|[a-zA-Z][a-zA-Z0-9-]*/g, (token) =>
    /^[a-zA-Z]/.test(token) ? rename(token) : token,
  );
}
