import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createSenderPolicy, isExternalWebUrl, isRendererUrl, RENDERER_CSP_DIRECTIVES, rendererLocation } from './security.js';

const directives = (policy: string) =>
  policy
    .split(';')
    .map((directive) => directive.trim().replace(/\s+/g, ' '))
    .filter(Boolean);

function metaPolicy(html: string): string {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  if (!match) throw new Error('no CSP meta tag');
  return match[1]!;
}

describe('Content-Security-Policy', () => {
  it("agrees with renderer/index.html's meta tag", () => {
    expect(directives(metaPolicy(readFileSync('renderer/index.html', 'utf8')))).toEqual([...RENDERER_CSP_DIRECTIVES]);
  });

  it('sends the meta policy plus only tightening directives as the header', () => {
    const header = directives(CONTENT_SECURITY_POLICY);
    expect(header.slice(0, RENDERER_CSP_DIRECTIVES.length)).toEqual([...RENDERER_CSP_DIRECTIVES]);
    for (const extra of header.slice(RENDERER_CSP_DIRECTIVES.length)) expect(extra).toMatch(/ 'none'$/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
    // Scripts only from the app itself: nothing inline, nothing from the model's output.
    expect(header).toContain("script-src 'self'");
  });
});

describe('isRendererUrl', () => {
  const built = 'file:///opt/Brook/resources/app.asar/out/renderer/index.html';
  it.each([
    [built, true],
    [`${built}#/c/1`, true],
    [`${built}?a=1`, true],
    ['file:///opt/Brook/resources/app.asar/out/renderer/other.html', false],
    ['file:///etc/passwd', false],
    ['file://evil-host/opt/Brook/resources/app.asar/out/renderer/index.html', false],
    ['https://example.com/', false],
    ['about:blank', false],
    ['devtools://devtools/bundled/inspector.html', false],
    ['not a url', false],
    ['', false],
    [null, false],
  ])('file renderer: %s → %s', (url, expected) => {
    expect(isRendererUrl(url, built)).toBe(expected);
  });

  it('matches encoded and plain paths alike (spaces in the install folder)', () => {
    expect(isRendererUrl('file:///C:/Program%20Files/Brook/index.html', 'file:///C:/Program Files/Brook/index.html')).toBe(true);
  });

  it.each([
    ['http://localhost:5173/', true],
    ['http://localhost:5173/src/App.svelte', true],
    ['http://localhost:5174/', false],
    ['https://localhost:5173/', false],
    ['http://127.0.0.1:5173/', false],
  ])('dev server renderer: %s → %s', (url, expected) => {
    expect(isRendererUrl(url, 'http://localhost:5173')).toBe(expected);
  });
});

describe('rendererLocation', () => {
  const file = 'file:///app/out/renderer/index.html';
  it('uses the dev server only in development, and only on a loopback address', () => {
    expect(rendererLocation(undefined, file, false)).toBe(file);
    expect(rendererLocation('http://localhost:5173', file, false)).toBe('http://localhost:5173/');
    expect(rendererLocation('http://127.0.0.1:5173/', file, false)).toBe('http://127.0.0.1:5173/');
    expect(rendererLocation('http://[::1]:5173/', file, false)).toBe('http://[::1]:5173/');
    expect(rendererLocation('http://localhost:5173', file, true)).toBe(file);
    expect(rendererLocation('https://evil.example/', file, false)).toBe(file);
    expect(rendererLocation('http://192.168.1.2:5173/', file, false)).toBe(file);
    expect(rendererLocation('file:///tmp/x.html', file, false)).toBe(file);
    expect(rendererLocation('garbage', file, false)).toBe(file);
  });
});

describe('isExternalWebUrl', () => {
  it.each([
    ['https://huggingface.co/docs', true],
    ['http://example.com', true],
    ['HTTPS://EXAMPLE.COM/', true],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['data:text/html,hi', false],
    ['mailto:someone@example.com', false],
    ['smb://server/share', false],
    ['ms-msdt:/id', false],
    ['vbscript:x', false],
    ['/relative', false],
    ['', false],
  ])('%s → %s', (url, expected) => {
    expect(isExternalWebUrl(url)).toBe(expected);
  });
});

describe('createSenderPolicy', () => {
  const rendererUrl = 'file:///app/out/renderer/index.html';
  let ids = [3];
  const trusted = createSenderPolicy({ rendererUrl, windowIds: () => ids });
  it('trusts only the main frame of a current window showing the renderer', () => {
    expect(trusted({ webContentsId: 3, frameUrl: rendererUrl, isMainFrame: true })).toBe(true);
    expect(trusted({ webContentsId: 3, frameUrl: rendererUrl, isMainFrame: false })).toBe(false);
    expect(trusted({ webContentsId: 4, frameUrl: rendererUrl, isMainFrame: true })).toBe(false);
    expect(trusted({ webContentsId: 3, frameUrl: 'https://example.com/', isMainFrame: true })).toBe(false);
    // A closed and reopened window (macOS): the old id is no longer ours.
    ids = [5];
    expect(trusted({ webContentsId: 3, frameUrl: rendererUrl, isMainFrame: true })).toBe(false);
    expect(trusted({ webContentsId: 5, frameUrl: rendererUrl, isMainFrame: true })).toBe(true);
  });
});
