import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: { index: resolve('electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      // The sandboxed preload cannot load ES modules.
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    // Relative asset paths: the same build loads from file:// in Electron and from /ui/ in a browser.
    base: './',
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
    build: {
      // electron-vite leaves the renderer unminified by default; the browser mode downloads it.
      minify: true,
      // KaTeX's fonts stay files: the CSP allows fonts from 'self' only, not data: URLs.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
