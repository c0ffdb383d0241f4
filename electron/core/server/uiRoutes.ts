// The built window (out/renderer, `electron-vite build`) served at /ui/ for browser mode.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

export interface UiRoutesOptions {
  /** The renderer build: a folder holding index.html and assets/. */
  rendererDir: string;
}

/** The same policy the page declares in its <meta>, sent as a header too (it also covers frame-ancestors). */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function uiRoutes(options: UiRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/ui', { schema: { hide: true } }, (_request, reply) => reply.redirect('/ui/', 302));

    if (!existsSync(join(options.rendererDir, 'index.html'))) {
      app.get('/ui/*', { schema: { hide: true } }, async () => {
        throw new ApiError('not_found', `The window is not built (no ${join(options.rendererDir, 'index.html')}). Run "npx electron-vite build", then reload.`);
      });
      return;
    }

    await app.register(fastifyStatic, {
      root: options.rendererDir,
      prefix: '/ui/',
      index: 'index.html',
      wildcard: true,
      decorateReply: false,
      schemaHide: true,
      setHeaders: (res, path) => {
        res.setHeader('content-security-policy', UI_CONTENT_SECURITY_POLICY);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
        res.setHeader('x-frame-options', 'DENY');
        // Vite names assets by content hash; the page itself must always be fresh.
        res.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  };
}
