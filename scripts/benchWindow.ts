// Bench for the window: how smoothly it renders while the model streams a long reply as fast as it can.
// Starts the headless server in this process, opens /ui/ in Debian's Chromium (playwright-core), sends a
// prompt that greedy decoding answers until max_new_tokens (~1,000 tokens), and measures the frames while
// the reply renders: requestAnimationFrame deltas, and long animation frames from a PerformanceObserver
// (Chromium's "long-animation-frame" entries). A frame is "long" past 50 ms.
//
//   npx tsx scripts/benchWindow.ts [--tokens 1000] [--threads N]
//
// `benchWindow()` is exported for scripts/bench.ts. Needs the built renderer (it builds it when missing).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { Brook } from '../electron/core/Brook.js';
import { parseConfig } from '../electron/core/config.js';
import type { Conversation, Message } from '../electron/core/wire/chats.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RENDERER_DIR = join(ROOT, 'out', 'renderer');
/** Greedy decoding loops on it, so the reply runs to max_new_tokens. */
const PROMPT = 'Count from 1 to 1000, separated by commas.';
export const LONG_FRAME_MS = 50;

export interface WindowBenchOptions {
  /** Tokens to stream (max_new_tokens; greedy decoding does not stop earlier on this prompt). */
  tokens?: number;
  /** GGUF to load; the bundled model by default. */
  modelPath?: string;
  threads?: number;
  log?: (line: string) => void;
}

export interface WindowBenchResult {
  tokens: number;
  tokensPerSecond: number;
  /** From the first token on screen to the end of the reply. */
  renderMs: number;
  /** Animation frames seen while the reply rendered. */
  frames: number;
  /** requestAnimationFrame deltas longer than LONG_FRAME_MS. */
  longFrames: number;
  worstFrameMs: number;
  /** Long animation frames reported by Chromium (null where the browser lacks the entry type). */
  longAnimationFrames: number | null;
  worstLongAnimationFrameMs: number | null;
  /** Most DOM updates of the reply within one frame (the window promises at most 1). */
  maxUpdatesPerFrame: number;
  /** Frames in which the reply changed. */
  updatedFrames: number;
}

interface PageWatch {
  deltas: number[];
  updatesPerFrame: number[];
  loaf: number[];
  loafSupported: boolean;
  firstTextAt: number | null;
  doneAt: number | null;
}

/**
 * Runs in the page (plain JavaScript: tsx's transpiled functions carry helpers the page lacks). Records each
 * frame's rAF delta and the DOM updates of the reply within it, from the first text on screen to the end.
 */
const WATCH_SCRIPT = `(() => {
  const watch = { deltas: [], updatesPerFrame: [], loaf: [], loafSupported: false, firstTextAt: null, doneAt: null };
  window.__bench = watch;
  if (PerformanceObserver.supportedEntryTypes && PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    watch.loafSupported = true;
    new PerformanceObserver((list) => {
      if (watch.firstTextAt === null || watch.doneAt !== null) return;
      for (const entry of list.getEntries()) watch.loaf.push(entry.duration);
    }).observe({ type: 'long-animation-frame', buffered: false });
  }
  let updates = 0;
  new MutationObserver(() => { updates += 1; })
    .observe(document.querySelector('[data-testid=messages]'), { childList: true, subtree: true, characterData: true });
  let last = 0;
  function tick(now) {
    const replies = document.querySelectorAll('[data-testid=message][data-role=assistant]');
    const reply = replies[replies.length - 1];
    const text = reply && reply.querySelector('[data-testid=message-text]');
    const length = text ? text.textContent.length : 0;
    if (watch.firstTextAt === null) {
      if (reply && reply.dataset.status === 'streaming' && length > 0) { watch.firstTextAt = now; updates = 0; }
    } else {
      watch.deltas.push(now - last);
      watch.updatesPerFrame.push(updates);
      updates = 0;
    }
    last = now;
    if (watch.firstTextAt !== null && reply && reply.dataset.status !== 'streaming') { watch.doneAt = now; return; }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})()`;

export async function benchWindow(options: WindowBenchOptions = {}): Promise<WindowBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const tokens = options.tokens ?? 1000;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    log('Building the window (electron-vite build)…');
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'brook-bench-window-'));
  const args = ['--port', '0', '--data-dir', dataDir, '--parallel', '1'];
  if (options.modelPath) args.push('--model', options.modelPath);
  if (options.threads) args.push('--threads', String(options.threads));
  const config = parseConfig(args);
  if (config === 'help') throw new Error('unreachable');
  const { brook, modelLoaded } = await Brook.start(config, { serve: true, browserUi: { rendererDir: RENDERER_DIR } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await modelLoaded;
    const url = brook.server!.url;
    const conversation = (await (await fetch(`${url}/app/conversations`, { method: 'POST' })).json()) as Conversation;
    const settings = await fetch(`${url}/app/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: conversation.id, settings: { temperature: 0, max_new_tokens: tokens } }),
    });
    if (!settings.ok) throw new Error(`settings: ${await settings.text()}`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/ui/#${conversation.id}`);
    await page.locator('[data-testid=model-status][data-phase=ready]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=composer]').waitFor();

    await page.evaluate(WATCH_SCRIPT);

    const composer = page.locator('[data-testid=composer]');
    await composer.fill(PROMPT);
    await composer.press('Enter');
    log(`Streaming a ${tokens}-token reply into the window…`);
    await page.waitForFunction(() => (window as unknown as { __bench: PageWatch }).__bench.doneAt !== null, null, { timeout: 30 * 60_000, polling: 500 });
    const watch = await page.evaluate(() => (window as unknown as { __bench: PageWatch }).__bench);

    const saved = (await (await fetch(`${url}/app/conversations/${conversation.id}`)).json()) as Conversation;
    const reply = Object.values(saved.messages).find((m: Message) => m.role === 'assistant');
    const long = watch.deltas.filter((delta) => delta > LONG_FRAME_MS);
    return {
      tokens: reply?.stats?.tokens ?? 0,
      tokensPerSecond: reply?.stats?.tokensPerSecond ?? 0,
      renderMs: Math.round((watch.doneAt ?? 0) - (watch.firstTextAt ?? 0)),
      frames: watch.deltas.length,
      longFrames: long.length,
      worstFrameMs: Math.round(Math.max(0, ...watch.deltas) * 10) / 10,
      longAnimationFrames: watch.loafSupported ? watch.loaf.length : null,
      worstLongAnimationFrameMs: watch.loafSupported ? Math.round(Math.max(0, ...watch.loaf) * 10) / 10 : null,
      maxUpdatesPerFrame: Math.max(0, ...watch.updatesPerFrame),
      updatedFrames: watch.updatesPerFrame.filter((n) => n > 0).length,
    };
  } finally {
    await browser.close();
    await brook.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatWindowBench(result: WindowBenchResult): string {
  return [
    `Window while streaming ${result.tokens} tokens (${result.tokensPerSecond} tok/s, ${(result.renderMs / 1000).toFixed(1)} s on screen):`,
    `  frames: ${result.frames}, updated: ${result.updatedFrames}, most DOM updates in one frame: ${result.maxUpdatesPerFrame}`,
    `  frames over ${LONG_FRAME_MS} ms (rAF deltas): ${result.longFrames}, worst frame: ${result.worstFrameMs} ms`,
    result.longAnimationFrames === null
      ? '  long animation frames: not reported by this Chromium'
      : `  long animation frames (PerformanceObserver): ${result.longAnimationFrames}, worst: ${result.worstLongAnimationFrameMs} ms`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { tokens: { type: 'string' }, threads: { type: 'string' }, model: { type: 'string' } } });
  benchWindow({
    tokens: values.tokens ? Number(values.tokens) : undefined,
    threads: values.threads ? Number(values.threads) : undefined,
    modelPath: values.model,
  })
    .then((result) => {
      console.log(formatWindowBench(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
