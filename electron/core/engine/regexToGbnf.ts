// A regular expression as GBNF rules, for TGI's `grammar: {"type": "regex"}`: the output matches the whole
// pattern. The pattern is parsed by `ret` (the tokenizer fastify's safe-regex2 uses); what a grammar cannot
// express (back-references, lookarounds, anchors inside the pattern) is refused with 422 saying so.
import ret, { types, type Root, type SetToken, type Token } from 'ret';
import { validationError } from '../errors.js';
import { classChar, literal } from './gbnf.js';

/** Longest bounded repetition written out; `{m,n}` beyond it is refused rather than producing a huge grammar. */
const MAX_REPEAT = 1000;

/** GBNF rules whose rule `name` matches exactly the strings `pattern` matches in full. */
export function regexToGbnf(pattern: string, name: string): string {
  let root: Root;
  try {
    root = ret(pattern);
  } catch (error) {
    throw validationError(`\`grammar.value\` is not a valid regular expression: ${(error as Error).message}`);
  }
  return `${name} ::= ${alternatives(root.options ?? [root.stack ?? []], true)}\n`;
}

function alternatives(options: Token[][], top = false): string {
  const written = options.map((stack) => sequence(stack, top));
  return written.length === 1 ? written[0]! : `( ${written.join(' | ')} )`;
}

function sequence(stack: Token[], top: boolean): string {
  // The whole pattern is matched anyway: a leading ^ and a trailing $ at the top level add nothing.
  const tokens = stack.filter((token, index) => !(top && token.type === types.POSITION && ((token.value === '^' && index === 0) || (token.value === '$' && index === stack.length - 1))));
  const parts = tokens.map(write);
  return parts.length === 0 ? '""' : parts.join(' ');
}

function write(token: Token): string {
  switch (token.type) {
    case types.CHAR:
      return literal(String.fromCodePoint(token.value));
    case types.SET:
      return setClass(token.set, token.not);
    case types.GROUP:
      if (token.followedBy || token.notFollowedBy || token.lookBehind) throw unsupported('lookarounds');
      return alternatives(token.options ?? [token.stack ?? []]);
    case types.REPETITION: {
      if (token.max !== Infinity && token.max > MAX_REPEAT) throw unsupported(`repetitions above {${MAX_REPEAT}}`);
      const inner = write(token.value);
      if (token.min === 0 && token.max === Infinity) return `${inner}*`;
      if (token.min === 1 && token.max === Infinity) return `${inner}+`;
      if (token.min === 0 && token.max === 1) return `${inner}?`;
      return token.max === Infinity ? `${inner}{${token.min},}` : `${inner}{${token.min},${token.max}}`;
    }
    case types.POSITION:
      throw unsupported(`the anchor "${token.value === 'b' || token.value === 'B' ? `\\${token.value}` : token.value}" inside the pattern`);
    case types.REFERENCE:
      throw unsupported('back-references');
  }
}

/** A character class; `.` arrives as a negated set of line ends, `\d`, `\w`, `\s` as sets. */
function setClass(set: SetToken[], not: boolean): string {
  return `[${not ? '^' : ''}${set.map(setItem).join('')}]`;
}

function setItem(item: SetToken): string {
  if (item.type === types.CHAR) return classChar(item.value);
  if (item.type === types.RANGE) return `${classChar(item.from)}-${classChar(item.to)}`;
  // A class inside a class (\d inside [...]): only non-negated ones can be flattened.
  if (item.not) throw unsupported('negated classes such as \\D, \\W or \\S inside [...]');
  return item.set.map(setItem).join('');
}

function unsupported(what: string) {
  return validationError(`\`grammar.value\`: Brook cannot enforce ${what} in a regular expression while generating; rewrite the pattern without them.`);
}
