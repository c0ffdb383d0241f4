// The Local API panel's switch "Also answer on Ollama's port", in browser mode: a Brook of this spec's own
// (scripted backend, --ollama-port on a free port) starts with it on; the switch turns the second listener
// off and on without restarting Brook (it does not serve the window, so browser mode does not lock it, unlike
// the rest of the endpoint), and a port that another program holds is reported in words while Brook keeps
// serving. A screenshot of the panel at phone width goes to e2e/artifacts/.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectModelReady, shoot } from './support/brook.js';
import { freePort, startServer, type RunningServer } from './support/server.js';

test("the Local API panel turns Brook's listener on Ollama's port off and on, and says when the port is taken", async ({ page }) => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-e2e-ollama-port-'));
  const ollamaPort = await freePort();
  const ollamaUrl = `http://127.0.0.1:${ollamaPort}`;
  let server: RunningServer | null = null;
  const holder = createServer();
  try {
    server = await startServer({ port: await freePort(), dataDir, extraArgs: ['--scripted', 'e2e/support/script.json', '--ollama-port', String(ollamaPort)] });
    await page.goto(`${server.url}/ui/`);
    await expectModelReady(page);
    await page.getByTestId('endpoint-toggle').click();
    const panel = page.getByTestId('endpoint-panel');
    const toggle = panel.getByTestId('endpoint-ollama');
    const state = panel.getByTestId('endpoint-ollama-state');
    // The switch is drawn over its hidden checkbox: clicked by its label, as a person does.
    const label = panel.getByText(`Also answer on Ollama's port ${ollamaPort}`);

    // On from the start (--ollama-port): the rest of the endpoint is locked here, the Ollama switch is not.
    await expect(panel.getByTestId('endpoint-locked')).toBeVisible();
    await expect(panel.getByTestId('endpoint-enabled')).toBeDisabled();
    await expect(label).toBeVisible();
    await expect(toggle).toBeChecked();
    await expect(toggle).toBeEnabled();
    await expect(state).toContainText(`On at ${ollamaUrl}`);
    const root = await fetch(`${ollamaUrl}/`);
    expect([root.status, await root.text()]).toEqual([200, 'Ollama is running']);

    // Off: nothing listens there any more; Brook's own port serves on.
    await label.click();
    await expect(toggle).not.toBeChecked();
    await expect(state).toContainText("Off: tools that only try Ollama's default address do not reach Brook.");
    await expect(fetch(`${ollamaUrl}/api/version`)).rejects.toThrow();
    expect((await fetch(`${server.url}/api/version`)).status).toBe(200);

    // Another program takes the port: switched on, Brook says so and keeps serving on its own port.
    await new Promise<void>((resolve) => holder.listen(ollamaPort, '127.0.0.1', resolve));
    await label.click();
    await expect(state).toContainText(`Port ${ollamaPort} is already in use (is Ollama itself running?), so Brook does not listen there.`);
    await expect(state).toContainText(`Brook keeps serving Ollama's API on ${server.url}/api`);
    await expect(toggle).toBeChecked();
    await expect(panel.getByTestId('endpoint-state')).toHaveText('On');
    expect((await fetch(`${server.url}/api/version`)).status).toBe(200);

    await page.setViewportSize({ width: 390, height: 844 });
    await label.scrollIntoViewIfNeeded();
    // The message wraps inside the panel instead of widening it.
    const scroll = panel.getByTestId('endpoint-scroll');
    expect(await scroll.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    await shoot(page, 'endpoint-ollama-port-taken');

    // The port is free again: switching off and on listens there.
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await label.click();
    await expect(toggle).not.toBeChecked();
    await label.click();
    await expect(toggle).toBeChecked();
    await expect(state).toContainText(`On at ${ollamaUrl}`);
    expect((await fetch(`${ollamaUrl}/api/version`)).status).toBe(200);
  } finally {
    if (holder.listening) holder.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
