// How a reply is shown, with chosen replies (planted: no model can be made to write them): single newlines
// kept, math typeset by KaTeX under the window's CSP, code blocks reachable from the keyboard, the token view
// driven by the keyboard, "Copied" and the version position told to screen readers.
import { expect, test } from '@playwright/test';
import type { MessageToken } from '../electron/core/wire/chats.js';
import { assistantMessages, plantConversation } from './support/brook.js';

const POEM = 'Roses are red,\nviolets are blue,\nsugar is sweet.\n\nName: Ada\nPrice: 12 EUR';
const MATH = 'Euler: $e^{i\\pi} + 1 = 0$ and \\(a^2 + b^2 = c^2\\); it costs $5 and $10.\n\n$$\n\\int_0^1 x^2\\,dx = \\frac{1}{3}\n$$\n\n\\[\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}\\]';
const CODE = '```python\n' + `print("${'a very long line '.repeat(20)}")` + '\n```';

const TOKENS: MessageToken[] = ['Hello', ',', ' world', '!'].map((text, i) => ({
  id: 100 + i,
  text,
  logprob: Math.log(0.9 - i * 0.2),
  special: false,
  top: [
    { id: 100 + i, text, logprob: Math.log(0.9 - i * 0.2), special: false },
    { id: 900 + i, text: ` other${i}`, logprob: Math.log(0.05), special: false },
  ],
}));

test('single newlines are line breaks; paragraphs stay paragraphs', async ({ page }) => {
  await plantConversation(page, [{ question: 'A poem and a card', answer: POEM }]);
  const text = assistantMessages(page).last().getByTestId('message-text');
  await expect(text.locator('p')).toHaveCount(2);
  await expect(text.locator('p').first().locator('br')).toHaveCount(2);
  await expect(text.locator('p').nth(1).locator('br')).toHaveCount(1);
  expect(await text.innerText()).toContain('Roses are red,\nviolets are blue,');
});

test('math is typeset by KaTeX, its fonts load under the CSP, prices stay text', async ({ page }) => {
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  await plantConversation(page, [{ question: 'Some math', answer: MATH }]);
  const text = assistantMessages(page).last().getByTestId('message-text');
  // Two inline formulas and two display blocks; "$5 and $10" is not one.
  await expect(text.locator('.katex')).toHaveCount(4);
  await expect(text.locator('.katex-display')).toHaveCount(2);
  await expect(text).toContainText('it costs $5 and $10.');
  // MathML for screen readers alongside the HTML for the eye.
  await expect(text.locator('.katex-mathml math').first()).toBeAttached();
  await page.evaluate(() => document.fonts.ready);
  expect(await page.evaluate(() => document.fonts.check('16px KaTeX_Main'))).toBe(true);
  expect(blocked).toEqual([]);
});

test('a code block that scrolls sideways can be reached and scrolled from the keyboard', async ({ page }) => {
  await plantConversation(page, [{ question: 'Long code', answer: CODE }]);
  const pre = assistantMessages(page).last().locator('.code-block pre');
  await expect(pre).toHaveAttribute('tabindex', '0');
  await pre.focus();
  await expect(pre).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => pre.evaluate((node) => node.scrollLeft)).toBeGreaterThan(0);
});

test('token alternatives open from the keyboard; Copied and the version are told to screen readers', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await plantConversation(page, [{ question: 'Say hello', answer: 'Hello, world!', tokens: TOKENS }]);
  const reply = assistantMessages(page).last();
  await reply.getByRole('button', { name: 'Show tokens and probabilities' }).click();
  const view = reply.getByTestId('token-view');
  await view.focus();
  const popover = page.getByTestId('token-popover');
  await expect(popover).toContainText('Alternatives');
  await expect(popover).toContainText('Hello');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(popover).toContainText('other2');
  await page.keyboard.press('End');
  await expect(popover).toContainText('other3');
  await page.keyboard.press('Escape');
  await expect(popover).toBeHidden();

  await reply.getByRole('button', { name: 'Copy reply' }).click();
  await expect(page.getByTestId('announcer')).toHaveText('Copied');
});
