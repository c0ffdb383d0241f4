// The Local API panel in browser mode: the endpoint's address and examples (its settings are shown but locked:
// this window is served by the endpoint), and the live list of requests from other tools: a long stream from
// another client shows up with its tokens growing and is cancelled from the panel; the client's stream ends
// early. The long stream is the scripted backend's "[long]" reply at a fixed pace, so it is still running when
// the panel cancels it on any machine (a real model may end its reply first on a fast one). Screenshots of
// the panel with the live request, light and dark, go to e2e/artifacts/.
import { expect, test } from '@playwright/test';
import { readSse } from '../../electron/core/testing/readSse.js';
import { openApp, shoot } from '../support/brook.js';

test('the Local API panel lists a request from another tool live, and cancels it', async ({ page, baseURL }) => {
  // Generous: on a loaded 2-core machine the long stream and the screenshots take minutes.
  test.setTimeout(480_000);
  const url = baseURL!;
  const port = new URL(url).port;
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);

  await page.getByTestId('endpoint-toggle').click();
  const panel = page.getByTestId('endpoint-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('endpoint-state')).toHaveText('On');
  await expect(panel.getByTestId('endpoint-url')).toHaveText(url);
  await expect(panel.getByTestId('endpoint-port')).toHaveValue(port);

  // Browser mode: the window is served by this endpoint, so its settings are shown, not changed.
  await expect(panel.getByTestId('endpoint-locked')).toContainText('served by the endpoint');
  await expect(panel.getByTestId('endpoint-enabled')).toBeDisabled();
  await expect(panel.getByTestId('endpoint-port')).toBeDisabled();
  await expect(panel.getByTestId('endpoint-generate-key')).toBeDisabled();
  await expect(panel.getByText('No key: any program on this computer can use the model.')).toBeVisible();

  // Examples filled with this endpoint's URL, one tab per language.
  await expect(panel.locator('[data-snippet=curl-tgi] pre')).toContainText(`curl -N ${url}/generate_stream`);
  await panel.getByRole('tab', { name: 'Python' }).click();
  await expect(panel.locator('[data-snippet=python-openai] pre')).toContainText(`base_url="${url}/v1", api_key="not-needed"`);
  await panel.getByRole('tab', { name: 'JavaScript' }).click();
  await expect(panel.locator('[data-snippet=js-huggingface-inference] pre')).toContainText(`endpointUrl: "${url}"`);
  await panel.getByRole('tab', { name: 'curl' }).click();

  // A short request from one tool, finished by the time the long one runs.
  const short = await fetch(`${url}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'python-requests/2.32.3' },
    body: JSON.stringify({ inputs: 'The capital of France is', parameters: { max_new_tokens: 12 } }),
  });
  expect(short.status).toBe(200);
  await expect(panel.locator('[data-testid=api-request][data-state=done]', { hasText: 'python-requests/2.32.3' })).toBeVisible();

  // A long stream from another tool (an editor, say), read as it arrives.
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'my-editor/1.0' },
    body: JSON.stringify({ model: 'brook', messages: [{ role: 'user', content: '[long] Count on, please.' }], max_tokens: 1800, temperature: 0, stream: true }),
  });
  expect(response.status).toBe(200);
  const reading = readSse(response);

  // Listed live: its route, its client, its tokens growing.
  const live = panel.locator('[data-testid=api-request][data-state=generating]', { hasText: 'my-editor/1.0' });
  await expect(live).toBeVisible({ timeout: 60_000 });
  const id = (await live.getAttribute('data-request-id'))!;
  const row = panel.locator(`[data-testid=api-request][data-request-id="${id}"]`);
  await expect(row).toContainText('/v1/chat/completions');
  await expect(row).toContainText('Generating');
  const tokens = async () => Number((await row.getByTestId('request-tokens').innerText()).replace(/\D/g, ''));
  await expect.poll(tokens, { timeout: 60_000 }).toBeGreaterThan(3);
  const seen = await tokens();
  await expect.poll(tokens, { timeout: 60_000 }).toBeGreaterThan(seen + 3);
  await expect(row).toContainText('tok/s');
  await expect(page.getByTestId('endpoint')).toContainText('1 live');
  await expect(page.getByTestId('endpoint-toggle')).toContainText('1');

  await page.getByTestId('endpoint-scroll').evaluate((scroll) => scroll.scrollTo(0, 0));
  await shoot(page, 'endpoint-live');

  // Cancel it from the panel: the client's stream ends early, with an error event and no [DONE].
  await row.getByTestId('cancel-request').click();
  const { events } = await reading;
  const last = JSON.parse(events.at(-1)!.data) as { error?: { message?: string } };
  expect(last.error?.message).toBe("Generation stopped before the end: The request was cancelled in Brook's window.");
  expect(events.some((event) => event.data === '[DONE]')).toBe(false);
  const streamed = events.filter((event) => event.data.includes('"delta"')).length;
  expect(streamed).toBeLessThan(1800);

  await expect(row).toHaveAttribute('data-state', 'cancelled');
  await expect(row).toContainText('Cancelled');
  await expect(row.getByTestId('cancel-request')).toHaveCount(0);
  const final = await tokens();
  expect(final).toBeGreaterThanOrEqual(seen);
  expect(final).toBeLessThan(1800);
  await expect(page.getByTestId('endpoint')).not.toContainText('live');

  await page.getByTestId('endpoint-scroll').evaluate((scroll) => scroll.scrollTo(0, 0));
  await shoot(page, 'endpoint-cancelled');

  // Closing and opening the panel again shows the same list.
  await page.getByRole('button', { name: 'Close the Local API panel' }).click();
  await expect(panel).toBeHidden();
  await page.getByTestId('endpoint-open').click();
  await expect(panel.locator(`[data-request-id="${id}"]`)).toHaveAttribute('data-state', 'cancelled');
});
