// Accessibility: axe-core finds no serious or critical violation on the empty state, a chat, the settings,
// the Local API panel and the token view, in light and dark; menus work with the keyboard and give the
// focus back; Esc closes panels; every control shows a focus ring.
import { expect, test, type Page } from '@playwright/test';
import type { MessageToken } from '../electron/core/wire/chats.js';
import { seriousViolations as violations } from './support/axe.js';
import { assistantMessages, openApp, plantConversation } from './support/brook.js';

const REPLY = [
  'Here is **bold**, a [link](https://example.org) and `inline code`.',
  '',
  '```python',
  `def greet(name):\n    return "hello " + name  # ${'a long comment '.repeat(8)}`,
  '```',
  '',
  '| Name | Price |',
  '| --- | --- |',
  '| Tea | 3 |',
  '',
  '> A quote, and math: $a^2 + b^2 = c^2$',
].join('\n');

const TOKENS: MessageToken[] = ['Here', ' is', ' bold'].map((text, i) => ({
  id: i,
  text,
  logprob: Math.log([0.95, 0.6, 0.1][i]!),
  special: false,
  top: [{ id: i, text, logprob: -0.1, special: false }],
}));

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical violations, ${colorScheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    await openApp(page);
    expect(await violations(page), 'empty state').toEqual([]);

    await plantConversation(page, [
      { question: 'Show me some markdown', answer: REPLY, tokens: TOKENS },
      { question: 'Again', answer: 'Short answer.' },
    ]);
    expect(await violations(page), 'a chat').toEqual([]);

    await page.getByTestId('settings-toggle').click();
    await expect(page.getByTestId('settings')).toBeVisible();
    expect(await violations(page), 'settings').toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('settings')).toBeHidden();

    await page.getByTestId('endpoint-toggle').click();
    await expect(page.getByTestId('endpoint-panel')).toBeVisible();
    expect(await violations(page), 'Local API panel').toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('endpoint-panel')).toBeHidden();

    const reply = assistantMessages(page).first();
    await reply.getByRole('button', { name: 'Show tokens and probabilities' }).click();
    await reply.getByTestId('token-view').focus();
    await expect(page.getByTestId('token-popover')).toBeVisible();
    expect(await violations(page), 'token view').toEqual([]);
  });
}

test('menus: arrow keys, Esc gives the focus back; Tab shows a focus ring on every control', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  const trigger = page.getByTestId('header-menu');
  await trigger.focus();
  await page.keyboard.press('Enter');
  const items = page.getByRole('menuitem');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(items.last()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();
  await expect(trigger).toBeFocused();

  // Every control reached with Tab shows a ring (an outline or a box-shadow) while focused.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('body').click({ position: { x: 640, y: 300 } });
  const seen: string[] = [];
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const within = el.closest(':focus-within');
      const shadow = style.boxShadow !== 'none' || (within && getComputedStyle(within.parentElement ?? within).boxShadow !== 'none');
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return { name: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? el.tagName, ok: outline || !!shadow };
    });
    if (!ring) continue;
    seen.push(ring.name);
    expect(ring.ok, `focus ring on "${ring.name}"`).toBe(true);
  }
  expect(seen.length).toBeGreaterThan(5);
});
