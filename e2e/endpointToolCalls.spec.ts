// A request from another tool that ended in tool calls, as the Local API panel lists it: "Finished: tool calls",
// each call's function name and its arguments as indented JSON, readable in a phone-width window. The real
// model: with tool_choice "required" the reply is grammar-constrained, so the call is well-formed on any CPU.
// axe-core finds no serious or critical violation there, light or dark. Screenshots, light and dark, go to
// e2e/artifacts/.
import { expect, test } from '@playwright/test';
import { seriousViolations } from './support/axe.js';
import { openApp, shoot } from './support/brook.js';

test('the Local API panel shows the calls of a request that called tools, readably at 390 px', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);

  const response = await fetch(`${baseURL}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'agent-with-tools/2.0' },
    body: JSON.stringify({
      model: 'brook',
      messages: [{ role: 'user', content: 'Book a table for two in Paris tonight, near the river, for a birthday dinner.' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'book_restaurant_table',
            description: 'Books a table.',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string', enum: ['Paris', 'Rome'] }, guests: { type: 'integer', enum: [2, 4] }, occasion: { type: 'string', enum: ['birthday dinner near the river', 'business lunch'] } },
              required: ['city', 'guests', 'occasion'],
              additionalProperties: false,
            },
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_tokens: 200,
      temperature: 0,
    }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { choices: { finish_reason: string; message: { tool_calls: { function: { name: string; arguments: string } }[] } }[] };
  expect(body.choices[0]!.finish_reason).toBe('tool_calls');
  const call = body.choices[0]!.message.tool_calls[0]!.function;
  const args = JSON.parse(call.arguments) as Record<string, unknown>;

  // Opened from the header, then the window narrowed to a phone's width.
  await page.getByTestId('endpoint-toggle').click();
  await page.setViewportSize({ width: 390, height: 844 });
  const panel = page.getByTestId('endpoint-panel');
  const row = panel.locator('[data-testid=api-request][data-state=done]', { hasText: 'agent-with-tools/2.0' });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('request-finish')).toHaveText('Finished: tool calls');
  const shown = row.getByTestId('tool-call');
  await expect(shown).toHaveCount(1);
  await expect(shown.getByTestId('tool-call-name')).toHaveText('book_restaurant_table');
  // The arguments indented, one key per line, as the client received them.
  const argumentsBlock = shown.getByTestId('tool-call-arguments');
  await expect(argumentsBlock).toBeVisible();
  expect(JSON.parse(await argumentsBlock.innerText())).toEqual(args);
  for (const [key, value] of Object.entries(args)) await expect(argumentsBlock).toContainText(`  "${key}": ${JSON.stringify(value)}`);

  // Readable at 390 px: the block wraps inside the panel instead of widening it or running off screen.
  const scroll = panel.getByTestId('endpoint-scroll');
  expect(await scroll.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  const box = (await argumentsBlock.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);

  // Collapsible: the name stays, the arguments fold away.
  await shown.getByTestId('tool-call-name').click();
  await expect(argumentsBlock).toBeHidden();
  await shown.getByTestId('tool-call-name').click();
  await expect(argumentsBlock).toBeVisible();

  await row.scrollIntoViewIfNeeded();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    expect(await seriousViolations(page), `the tool calls, ${colorScheme} theme`).toEqual([]);
  }
  await shoot(page, 'endpoint-tool-calls');
});
