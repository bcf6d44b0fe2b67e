/**
 * CORS for `/api`, on `@fastify/cors`: browsers on allowed origins may call the API; other paths
 * get no CORS headers. Credentials travel in the `Authorization` header, never in cookies, so no
 * `Allow-Credentials` is needed. This file holds only the policy; the library writes the headers
 * and answers preflight requests.
 */
import fastifyCors, { type FastifyCorsOptions, type FastifyCorsOptionsDelegateCallback } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { AllowedOrigins } from '../config/config.js';
import { HubError } from '../core/errors.js';

/** What every allowed `/api` request and preflight gets, besides its origin. */
const API_CORS: FastifyCorsOptions = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
  exposedHeaders: ['Retry-After', 'X-Request-Id'],
  /** Browsers may cache a preflight answer this long (seconds). */
  maxAge: 600,
  // A preflight without Origin is not a browser's; answer it like any other instead of the
  // library's text/plain 400, which is not the contract's error shape.
  strictPreflight: false,
};

/** True when `origin` may call the API under `allowed`. */
export function isOriginAllowed(allowed: AllowedOrigins, origin: string): boolean {
  return allowed === '*' || allowed.includes(origin);
}

function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/** The CORS options of one request: none outside `/api`, none for an origin not allowed. */
export function corsPolicy(allowed: AllowedOrigins): FastifyCorsOptionsDelegateCallback {
  const apiOptions: FastifyCorsOptions = { ...API_CORS, origin: allowed === '*' ? '*' : [...allowed] };
  return (request, callback) => {
    if (!isApiPath(request.url)) return callback(null, { origin: false });
    const origin = request.headers.origin;
    if (origin !== undefined && !isOriginAllowed(allowed, origin)) {
      // A page elsewhere asking whether it may call: no, in the contract's error shape (403).
      if (request.method === 'OPTIONS') return callback(new HubError('forbidden', 'origin not allowed'));
      return callback(null, { origin: false });
    }
    return callback(null, apiOptions);
  };
}

/** Adds CORS headers to `/api` responses and answers preflight requests (`OPTIONS /api/*`). */
export async function registerCors(app: FastifyInstance, allowed: AllowedOrigins): Promise<void> {
  await app.register(fastifyCors, { delegator: corsPolicy(allowed) });
}
