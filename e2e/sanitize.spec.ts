// Model output is untrusted: whatever a reply contains, the window shows it as text or safe markup, and
// nothing in it runs. The reply is planted in the data folder before Brook starts (no model can be made
// to write it on purpose).
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation } from '../electron/core/wire/chats.js';
import { expectModelReady } from './support/brook.js';
import { freePort, startServer } from './support/server.js';

const HOSTILE = [
  'Here is some **bold** text and a [safe link](https://example.org/page).',
  '',
  '<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script>',
  '',
  '[bad link](javascript:window.__pwned=3) and ![tracker](https://example.org/pixel.png)',
  '',
  '<iframe src="https://example.org"></iframe>',
  '',
  '```js',
  'const answer = 42; // highlighted',
  '```',
].join('\n');

test('markdown from the model is sanitized: no HTML runs, only http(s) links, nothing is fetched', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-e2e-sanitize-'));
  const now = Date.now();
  const conversation: Conversation = {
    id: 'hostile1',
    title: 'Hostile reply',
    createdAt: now,
    updatedAt: now,
    settings: { systemPrompt: '', temperature: 0, top_p: 0.95, top_k: 40, max_new_tokens: 16, seed: null },
    messages: {
      u1: { id: 'u1', parentId: null, role: 'user', content: 'Show me <b>HTML</b>', createdAt: now, status: 'complete' },
      a1: { id: 'a1', parentId: 'u1', role: 'assistant', content: HOSTILE, createdAt: now + 1, status: 'complete' },
    },
    activeChild: { '': 'u1', u1: 'a1' },
  };
  writeFileSync(join(dataDir, 'hostile1.json'), JSON.stringify(conversation));
  const server = await startServer({ port: await freePort(), dataDir });
  try {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${server.url}/ui/#hostile1`);
    await expectModelReady(page);
    const markdown = page.locator('[data-role=assistant] .markdown');
    await expect(markdown.locator('strong')).toHaveText('bold');

    // Raw HTML is shown as text, never as elements.
    await expect(markdown).toContainText('<img src=x onerror="window.__pwned = 1">');
    await expect(markdown).toContainText('<script>window.__pwned = 2</script>');
    expect(await markdown.locator('img, script, iframe').count()).toBe(0);
    await expect(page.locator('[data-role=user]')).toContainText('Show me <b>HTML</b>');

    // Links: http(s) opens outside (new tab / system browser); anything else loses its target.
    const safe = markdown.getByRole('link', { name: 'safe link' });
    await expect(safe).toHaveAttribute('href', 'https://example.org/page');
    await expect(safe).toHaveAttribute('target', '_blank');
    await expect(safe).toHaveAttribute('rel', /noopener/);
    expect(await markdown.locator('a', { hasText: 'bad link' }).getAttribute('href')).toBeNull();
    // An image becomes a link: nothing is fetched from the internet.
    await expect(markdown.getByRole('link', { name: 'tracker' })).toHaveAttribute('href', 'https://example.org/pixel.png');
    expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([]);

    await markdown.getByText('bad link').click();
    await expect(markdown.locator('.code-block .hljs-keyword').first()).toHaveText('const');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
