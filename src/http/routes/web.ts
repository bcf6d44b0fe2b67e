/**
 * The web app's routes: the files Vite built into `web/dist`, served by `@fastify/static` (path
 * checks, dotfiles, content types, ETag and Last-Modified, ranges). This file holds the rules:
 * - `/` (and any unknown non-API page a browser navigates to: the SPA fallback) answers
 *   `index.html` with `Cache-Control: no-cache`, so a deploy shows at the next load;
 * - `/assets/*` are content-hashed: cached for a year, `immutable`; a missing one is a 404, never
 *   HTML (an old page asking for a previous build's file);
 * - other files (an icon) are revalidated like `index.html`. They are listed once, when the app
 *   starts: a file added to `dist` later is served after a restart (index and assets at once);
 * - dotfiles and paths that leave `dist` are never served.
 * When the app is not built, `/` and page navigations answer 503 saying how to build it.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface WebRoutesOptions {
  /** The folder `vite build` wrote (`web/dist`). */
  readonly distDir: string;
}

/**
 * `web/dist` of this checkout. This file is `src/http/routes/web.ts` under tsx and
 * `dist/http/routes/web.js` when built: both sit three folders below the package root.
 */
export function defaultWebDistDir(): string {
  return fileURLToPath(new URL('../../../web/dist', import.meta.url));
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * What the page may do: its own scripts and styles only, and connections to its own origin
 * (`'self'` covers the same host's ws:/wss: in CSP 3). Chat text is rendered as text anyway;
 * this is the second line of defence.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Paths that belong to the server, never to the web app (no SPA fallback for them). */
function isServerPath(path: string): boolean {
  return /^\/(api|ws|healthz|readyz|metrics)(\/|$)/.test(path);
}

/**
 * A path the SPA fallback may answer: it decodes, and no segment is a dotfile (`/.env`,
 * `/.git/config`) or hides a NUL or a backslash. Others are 404s, so that scanners probing for
 * secrets get "not found" rather than a page that looks like a hit.
 */
function isPlainPagePath(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return !/[\0\\]/.test(decoded) && decoded.split('/').every((segment) => !segment.startsWith('.'));
}

/** A browser navigating to a page (rather than a script asking for data). */
function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** The headers every file gets; `text/javascript` is the registered type (RFC 9239), not mime's `application/javascript`. */
function fileHeaders(reply: FastifyReply, path: string, cacheControl: string): void {
  reply.header('cache-control', cacheControl).header('x-content-type-options', 'nosniff');
  if (/\.m?js$/i.test(path)) reply.header('content-type', 'text/javascript; charset=utf-8');
}

export function webRoutes(options: WebRoutesOptions): FastifyPluginAsync {
  const root = resolve(options.distDir);
  const indexPath = join(root, 'index.html');

  const notBuilt = (reply: FastifyReply): FastifyReply =>
    reply
      .code(503)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send('The hubbub web app is not built. Run `npm run build:web` (it writes web/dist), then reload.\n');

  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    // Checked on each request, so building the app while the server runs needs no restart.
    const built = await stat(indexPath).then(
      (info) => info.isFile(),
      () => false,
    );
    return built ? reply.sendFile('index.html') : notBuilt(reply);
  }

  return async (app) => {
    // What the file server refuses (403: a NUL byte, a non-canonical path such as `//`, a folder)
    // answers 404 like a missing file: the web app tells nothing about what is on disk.
    const parentErrorHandler = app.errorHandler;
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.statusCode === 403 || (error as { status?: number }).status === 403) return reply.callNotFound();
      return parentErrorHandler.call(app, error, request, reply);
    });

    // Top-level files (index.html, icons): one route per file found now. It also gives the
    // reply its `sendFile`, which sends index.html with the headers below.
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      globIgnore: ['assets/**', 'index.html'],
      dotfiles: 'ignore',
      cacheControl: false,
      suppressWarning: true,
      setHeaders: (reply, path) => {
        fileHeaders(reply, path, REVALIDATE);
        if (path === indexPath) {
          reply
            .header('content-security-policy', CONTENT_SECURITY_POLICY)
            .header('referrer-policy', 'no-referrer')
            .header('content-type', 'text/html; charset=utf-8');
        }
      },
    });
    // Hashed assets: whatever is in dist/assets when asked (a fresh build needs no restart).
    await app.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      index: false,
      dotfiles: 'ignore',
      cacheControl: false,
      suppressWarning: true,
      decorateReply: false,
      setHeaders: (reply, path) => fileHeaders(reply, path, IMMUTABLE),
    });

    app.get('/', (_request, reply) => sendIndex(reply));
    app.get('/index.html', (_request, reply) => sendIndex(reply));
    // Not a file: client-side routes (`/r/general`) give a browser the app; anything else 404s.
    app.get('/*', (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (isServerPath(path) || !acceptsHtml(request) || !isPlainPagePath(path)) return reply.callNotFound();
      return sendIndex(reply);
    });
  };
}
