// Every window size: 1280×800, 800×600 and 390×844. Nothing is out of reach; panels lie over the chat below a
// width; at phone width the sidebar is a drawer with a backdrop and the header's tools are one menu.
// Screenshots of each size, light and dark, go to e2e/artifacts/ (gitignored).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createConversation, openApp, shoot } from './support/brook.js';

// Boxes are measured at rest, not mid-animation.
test.use({ reducedMotion: 'reduce' });

async function expectInside(page: Page, locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'on screen').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height + 0.5);
}

/** Every button of the header is inside the window. */
async function expectHeaderInside(page: Page): Promise<void> {
  const buttons = page.locator('header.header button:visible');
  const count = await buttons.count();
  expect(count).toBeGreaterThan(1);
  for (let i = 0; i < count; i++) await expectInside(page, buttons.nth(i));
}

test('1280×800: sidebar, chat and a side panel side by side', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await expect(page.getByTestId('sidebar')).toBeVisible();
  await expectHeaderInside(page);
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('panel-backdrop')).toHaveCount(0);
  const main = await page.locator('main').boundingBox();
  expect(main!.width).toBeGreaterThanOrEqual(500);
  await shoot(page, 'size-1280x800-settings');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings')).toBeHidden();
  await shoot(page, 'size-1280x800');
});

test('800×600: settings lie over the chat, which keeps its width; Esc and the backdrop close them', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await openApp(page);
  await expectHeaderInside(page);
  const before = (await page.locator('main').boundingBox())!.width;
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('settings')).toBeVisible();
  await expectInside(page, page.getByTestId('settings'));
  expect((await page.locator('main').boundingBox())!.width).toBe(before);
  expect(before).toBeGreaterThanOrEqual(500);
  await shoot(page, 'size-800x600-settings');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings')).toBeHidden();

  await page.getByTestId('endpoint-toggle').click();
  await expect(page.getByTestId('endpoint-panel')).toBeVisible();
  await expectInside(page, page.getByTestId('endpoint-panel'));
  await page.getByTestId('panel-backdrop').click({ position: { x: 20, y: 300 } });
  await expect(page.getByTestId('endpoint-panel')).toBeHidden();
  await shoot(page, 'size-800x600');
});

test('390×844: the sidebar is a drawer that closes on the backdrop and on picking a chat; the header is one menu', async ({ page, request }) => {
  const tag = Date.now().toString(36);
  const id = await createConversation(request);
  await request.post('/app/rename', { data: { conversationId: id, title: `Phone chat ${tag}` } });
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);

  // Closed at first: the chat is what a phone-sized window shows.
  await expect(page.getByTestId('sidebar')).toBeHidden();
  await expectHeaderInside(page);
  await expect(page.getByTestId('settings-toggle')).toHaveCount(0);
  await shoot(page, 'size-390x844');

  await page.getByTestId('sidebar-toggle').click();
  await expect(page.getByTestId('sidebar')).toBeVisible();
  await expectInside(page, page.getByTestId('sidebar'));
  await expect(page.getByTestId('drawer-backdrop')).toBeVisible();
  await shoot(page, 'size-390x844-drawer');
  await page.getByTestId('drawer-backdrop').click({ position: { x: 370, y: 400 } });
  await expect(page.getByTestId('sidebar')).toBeHidden();

  await page.getByTestId('sidebar-toggle').click();
  await page.locator(`[data-testid=conversation][data-conversation-id="${id}"]`).click();
  await expect(page.getByTestId('sidebar')).toBeHidden();
  await expect(page.getByTestId('chat-title')).toHaveText(`Phone chat ${tag}`);

  // Export, Local API, settings and theme are in the header's menu, and every one of them fits the window.
  await page.getByTestId('header-menu').click();
  for (const name of ['Export as Markdown', 'Export as JSON', /^Local API/, 'Chat settings', /theme$/]) {
    await expectInside(page, page.getByRole('menuitem', { name }));
  }
  await page.getByRole('menuitem', { name: 'Chat settings' }).click();
  await expect(page.getByTestId('settings')).toBeVisible();
  await expectInside(page, page.getByTestId('settings'));
  await shoot(page, 'size-390x844-settings');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings')).toBeHidden();

  // The model chip's panel fits too.
  await page.getByTestId('model-status').click();
  await expectInside(page, page.getByRole('dialog', { name: 'Model' }));
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Model' })).toBeHidden();
});
