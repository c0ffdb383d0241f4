import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { mathExtension } from './math';

const render = (text: string) => new Marked(mathExtension).parse(text, { async: false });

describe('math in markdown', () => {
  it('typesets $…$ and \\(…\\) inline, $$…$$ and \\[…\\] as blocks', () => {
    expect(render('Energy is $E = mc^2$ here.')).toMatch(/<p>Energy is <span class="katex">.*<\/span> here\.<\/p>/s);
    expect(render('Also \\(a^2 + b^2\\) works.')).toContain('class="katex"');
    expect(render('$$\n\\int_0^1 x\\,dx\n$$')).toContain('class="math-block"');
    expect(render('\\[\\frac{1}{2}\\]')).toContain('katex-display');
  });

  it('leaves prices, code and unfinished formulas as text', () => {
    expect(render('It costs $5 and $10.')).not.toContain('katex');
    expect(render('Use `$x$` in a shell.')).not.toContain('katex');
    expect(render('```\n$$ not math $$\n```')).not.toContain('katex');
    expect(render('So far: $$\\int_0')).not.toContain('katex');
  });

  it('shows a formula KaTeX cannot read as an error mark, never throws, runs nothing', () => {
    expect(render('$\\frac{1$')).toContain('katex-error');
    const html = render('$\\href{javascript:alert(1)}{x}$');
    expect(html).not.toContain('href="javascript');
  });
});
