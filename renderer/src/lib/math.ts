// Math in replies: $…$ and \(…\) inline, $$…$$ and \[…\] as blocks, typeset by KaTeX (which escapes its
// input and runs nothing: `trust` stays off, so \href and friends are refused). The HTML it writes is
// sanitized with the rest of the reply (MATH_TAGS and MATH_ATTRIBUTES say what it may contain).
import katex from 'katex';
import type { MarkedExtension, Tokens } from 'marked';

interface MathToken extends Tokens.Generic {
  type: 'mathBlock' | 'mathInline';
  tex: string;
  display: boolean;
}

// Inline `$…$`: no space just inside the dollars and no digit just after, so prices ("$5 and $10") stay text.
const INLINE_DOLLAR = /^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/;
const INLINE_DOUBLE = /^\$\$((?:\\.|[^\\$])+?)\$\$/;
const INLINE_PAREN = /^\\\(([\s\S]+?)\\\)/;
const BLOCK_DOLLAR = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/;
const BLOCK_BRACKET = /^ {0,3}\\\[([\s\S]+?)\\\][ \t]*(?:\n|$)/;

function typeset(tex: string, display: boolean): string {
  return katex.renderToString(tex.trim(), { displayMode: display, throwOnError: false, trust: false, strict: 'ignore', maxSize: 20, maxExpand: 500 });
}

export const mathExtension: MarkedExtension = {
  extensions: [
    {
      name: 'mathBlock',
      level: 'block',
      start: (src: string) => src.match(/^ {0,3}(?:\$\$|\\\[)/m)?.index,
      tokenizer(src: string): MathToken | undefined {
        const match = BLOCK_DOLLAR.exec(src) ?? BLOCK_BRACKET.exec(src);
        if (match) return { type: 'mathBlock', raw: match[0], tex: match[1]!, display: true };
        return undefined;
      },
      renderer: (token) => `<div class="math-block" tabindex="0">${typeset((token as MathToken).tex, true)}</div>`,
    },
    {
      name: 'mathInline',
      level: 'inline',
      start: (src: string) => src.match(/\$|\\\(/)?.index,
      tokenizer(src: string): MathToken | undefined {
        const match = INLINE_DOUBLE.exec(src) ?? INLINE_DOLLAR.exec(src) ?? INLINE_PAREN.exec(src);
        if (match) return { type: 'mathInline', raw: match[0], tex: match[1]!, display: match[0].startsWith('$$') };
        return undefined;
      },
      renderer: (token) => typeset((token as MathToken).tex, (token as MathToken).display),
    },
  ],
};

/** What KaTeX's output (HTML for the eye, MathML for screen readers, SVG for stretchy glyphs) is made of. */
export const MATH_TAGS = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msup', 'msub', 'msubsup', 'mfrac',
  'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd', 'mstyle', 'mpadded', 'mphantom', 'menclose',
  'svg', 'path', 'line',
];
export const MATH_ATTRIBUTES = [
  'style', 'aria-hidden', 'encoding', 'xmlns', 'display', 'mathvariant', 'stretchy', 'fence', 'separator', 'accent',
  'accentunder', 'lspace', 'rspace', 'minsize', 'maxsize', 'movablelimits', 'columnalign', 'rowspacing', 'columnspacing',
  'linethickness', 'scriptlevel', 'displaystyle', 'width', 'height', 'depth', 'viewbox', 'preserveaspectratio', 'd',
  'x1', 'x2', 'y1', 'y2', 'stroke-width', 'notation', 'tabindex',
];
