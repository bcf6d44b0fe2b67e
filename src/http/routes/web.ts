/**
 * The web app's routes: the files Vite built into `web/dist`, served with `node:fs`.
 * - `/` (and any unknown non-API page a browser navigates to: the SPA fallback) answers
 *   `index.html` with `Cache-Control: no-cache`, so a deploy shows at the next load;
 * - `/assets/*` are content-hashed: cached for a year, `immutable`;
 * - other files at the top of `dist` (an icon) are revalidated like `index.html`.
 * Paths are decoded and resolved inside `distDir`; anything that escapes it, or names a dotfile,
 * is not found. When the app is not built, `/` answers 503 saying how to build it.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

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

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

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

export function webRoutes(options: WebRoutesOptions): FastifyPluginAsync {
  const root = resolve(options.distDir);
  const indexPath = join(root, 'index.html');

  /** The file a URL path names inside `root`, or undefined when it is not a plain, safe path. */
  function fileFor(urlPath: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
    const segments = decoded.split('/').filter((segment) => segment !== '');
    if (segments.some((segment) => segment === '..' || segment.startsWith('.'))) return undefined;
    const file = resolve(root, ...segments);
    return file.startsWith(root + sep) ? file : undefined;
  }

  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    let html: Buffer;
    try {
      html = await readFile(indexPath);
    } catch {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('The hubbub web app is not built. Run `npm run build:web` (it writes web/dist), then reload.\n');
    }
    return reply
      .header('cache-control', REVALIDATE)
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .type(CONTENT_TYPES['.html']!)
      .send(html);
  }

  async function sendFile(reply: FastifyReply, file: string, cacheControl: string): Promise<FastifyReply | undefined> {
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) return undefined;
    return reply
      .header('cache-control', cacheControl)
      .header('x-content-type-options', 'nosniff')
      .header('content-length', String(info.size))
      .type(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
      .send(createReadStream(file));
  }

  function acceptsHtml(request: FastifyRequest): boolean {
    return (request.headers.accept ?? '').includes('text/html');
  }

  const notFound = (reply: FastifyReply): FastifyReply => {
    reply.callNotFound();
    return reply;
  };

  return async (app) => {
    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      // The path only: the query string never selects a file.
      const path = request.url.split('?')[0] ?? '/';
      if (path === '/' || path === '/index.html') return sendIndex(reply);
      if (isServerPath(path)) return notFound(reply);

      const file = fileFor(path);
      if (file !== undefined && file !== indexPath) {
        const isAsset = path.startsWith('/assets/');
        const sent = await sendFile(reply, file, isAsset ? IMMUTABLE : REVALIDATE);
        if (sent !== undefined) return sent;
        // A missing hashed asset is an old page asking for a previous build's file: a 404, never HTML.
        if (isAsset) return notFound(reply);
      }
      // Client-side routes (`/r/general`): a browser navigating gets the app; anything else 404s.
      if (acceptsHtml(request) && file !== undefined) return sendIndex(reply);
      return notFound(reply);
    };
    app.get('/', handler);
    app.get('/*', handler);
  };
}
