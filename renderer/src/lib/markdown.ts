// Model output is untrusted: markdown is rendered with raw HTML shown as text, then sanitized with DOMPurify.
// Links keep only http(s) targets and open outside the window; images become links (nothing is fetched).
//
// Streaming: a reply is split into top-level markdown blocks. Every block but the last is finished (a later
// block has started), so it is rendered once and kept; only the growing tail block is rendered again as
// text arrives.
import DOMPurify from 'dompurify';
import { Marked, type Token, type Tokens } from 'marked';
import { escapeHtml, highlight } from './highlight';
import { MATH_ATTRIBUTES, MATH_TAGS, mathExtension } from './math';

const SAFE_LINK = /^https?:\/\//i;

/** Whether code blocks may guess their language (slow: only for finished blocks). */
let guessLanguages = false;

const marked = new Marked({
  gfm: true,
  // A single newline is a line break, as in ChatGPT and llama.cpp's web UI: poems, addresses, "Name:" lines.
  breaks: true,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const requested = (lang ?? '').trim().split(/\s+/)[0] ?? '';
      const { html, language } = highlight(text.replace(/\n$/, ''), requested, guessLanguages);
      const label = escapeHtml(language || requested || 'text');
      return (
        `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
        `<button type="button" class="code-copy" data-copy-code aria-label="Copy code">Copy</button></div>` +
        // Focusable: a long line scrolls sideways, and keyboard users must be able to scroll it too.
        `<pre tabindex="0"><code class="hljs">${html}</code></pre></div>`
      );
    },
    // Raw HTML from the model is shown, never interpreted.
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    image({ href, text }: Tokens.Image): string {
      const label = escapeHtml(text || href);
      return SAFE_LINK.test(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
    },
  },
});
marked.use(mathExtension);

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (SAFE_LINK.test(href)) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    } else {
      node.removeAttribute('href');
    }
  }
});

const PURIFY_CONFIG = {
  ALLOWED_TAGS: [
    'a', 'b', 'blockquote', 'br', 'button', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i',
    'input', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
    ...MATH_TAGS,
  ],
  // `style` and the rest of MATH_ATTRIBUTES come only from KaTeX: the model's own HTML is escaped before this.
  ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'start', 'align', 'aria-label', 'data-copy-code', 'target', 'rel', ...MATH_ATTRIBUTES],
  ALLOW_DATA_ATTR: false,
};

function renderTokens(tokens: Token[], finished: boolean): string {
  guessLanguages = finished;
  try {
    return DOMPurify.sanitize(marked.parser(tokens), PURIFY_CONFIG);
  } finally {
    guessLanguages = false;
  }
}

/** Finished blocks by their markdown, shared by every message on screen (switching branches re-renders nothing). */
const blockCache = new Map<string, string>();
const BLOCK_CACHE_SIZE = 2000;

function renderFinishedBlock(token: Token): string {
  const cached = blockCache.get(token.raw);
  if (cached !== undefined) {
    // Refresh its place in the LRU order.
    blockCache.delete(token.raw);
    blockCache.set(token.raw, cached);
    return cached;
  }
  const html = renderTokens([token], true);
  blockCache.set(token.raw, html);
  if (blockCache.size > BLOCK_CACHE_SIZE) blockCache.delete(blockCache.keys().next().value!);
  return html;
}

export interface RenderedBlock {
  /** Where the block starts in the text: stable, so a keyed list keeps its element. */
  key: number;
  html: string;
}

export interface RenderedMarkdown {
  blocks: RenderedBlock[];
  /** The last block, still growing; '' when there is none. */
  tail: string;
}

/** Counts renders, for tests and the bench. */
export const renderStats = { blocks: 0, tails: 0 };

/**
 * One message's markdown, updated as its text grows. `update` re-lexes only the text after the last finished
 * block and renders only blocks that just finished plus the tail.
 */
export class StreamingMarkdown {
  private text = '';
  /** Length of the text covered by `blocks`. */
  private stableEnd = 0;
  private blocks: RenderedBlock[] = [];

  update(input: string, done: boolean): RenderedMarkdown {
    const text = input.replace(/\r\n?/g, '\n');
    if (text.length < this.stableEnd || !text.startsWith(this.text.slice(0, this.stableEnd))) this.reset();
    this.text = text;

    const rest = text.slice(this.stableEnd);
    const tokens = marked.lexer(rest);
    // Blocks before the last non-space one are finished: a later block has begun after them.
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]!.type === 'space') last -= 1;
    const finishUpTo = done ? tokens.length : last;

    let consumed = 0;
    let index = 0;
    let added = false;
    for (; index < finishUpTo; index++) {
      const token = tokens[index]!;
      // The lexer may have normalized something: then keep the rest as the tail rather than guess.
      if (!rest.startsWith(token.raw, consumed)) break;
      if (token.type !== 'space' && token.type !== 'def') {
        this.blocks.push({ key: this.stableEnd + consumed, html: renderFinishedBlock(token) });
        renderStats.blocks += 1;
        added = true;
      }
      consumed += token.raw.length;
    }
    this.stableEnd += consumed;
    if (added) this.blocks = [...this.blocks];

    const tailTokens = tokens.slice(index).filter((token) => token.type !== 'space');
    let tail = '';
    if (tailTokens.length > 0) {
      tail = renderTokens(tailTokens, done);
      renderStats.tails += 1;
    }
    return { blocks: this.blocks, tail };
  }

  private reset(): void {
    this.text = '';
    this.stableEnd = 0;
    this.blocks = [];
  }
}

/** Renders a whole text at once (previews, tests). */
export function renderMarkdown(text: string): string {
  const { blocks, tail } = new StreamingMarkdown().update(text, true);
  return blocks.map((block) => block.html).join('') + tail;
}
