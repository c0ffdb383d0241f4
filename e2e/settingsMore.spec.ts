// The settings people reach for beyond sampling: repeat penalty, min-p, stop strings and "Reply as JSON (schema)",
// saved with the chat, and refused in words when they cannot be saved.
import { expect, test } from '@playwright/test';
import { createConversation, getConversation, openConversation } from './support/brook.js';

test('repeat penalty, min-p, stop strings and a reply schema are saved; what cannot be saved says why', async ({ page, request }) => {
  const id = await createConversation(request, { temperature: 0 });
  await openConversation(page, id);
  await page.getByTestId('settings-toggle').click();

  await page.getByTestId('setting-repetition-penalty').fill('1.3');
  await page.getByTestId('setting-repetition-penalty').blur();
  await page.getByTestId('setting-min-p').fill('0.05');
  await page.getByTestId('setting-min-p').blur();
  await page.getByTestId('setting-stop').fill('END\nQ:');
  await page.getByTestId('setting-stop').blur();
  await page.getByTestId('setting-reply-schema').fill('{"type": "object"}');
  await page.getByTestId('setting-reply-schema').blur();
  await expect.poll(async () => (await getConversation(request, id)).settings).toMatchObject({ repetition_penalty: 1.3, min_p: 0.05, stop: ['END', 'Q:'], replySchema: '{"type": "object"}' });

  await page.getByTestId('setting-repetition-penalty').fill('9');
  await page.getByTestId('setting-repetition-penalty').blur();
  await expect(page.getByTestId('invalid-repetition_penalty')).toContainText('not saved');
  // min-p 1 would keep only the likeliest token: its maximum is exclusive.
  await page.getByTestId('setting-min-p').fill('1');
  await page.getByTestId('setting-min-p').blur();
  await expect(page.getByTestId('invalid-min_p')).toContainText('below 1; not saved');
  await page.getByTestId('setting-reply-schema').fill('{not json');
  await page.getByTestId('setting-reply-schema').blur();
  await expect(page.getByTestId('invalid-replySchema')).toContainText('Not JSON');
  await page.getByTestId('setting-stop').fill('a\nb\nc\nd\ne');
  await page.getByTestId('setting-stop').blur();
  await expect(page.getByTestId('invalid-stop')).toContainText('At most 4');
  expect((await getConversation(request, id)).settings).toMatchObject({ repetition_penalty: 1.3, min_p: 0.05, stop: ['END', 'Q:'], replySchema: '{"type": "object"}' });
});
