/**
 * CORS for `/api`: browsers on allowed origins may call the API. Credentials travel in the
 * `Authorization` header, never in cookies, so no `Allow-Credentials` is needed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AllowedOrigins } from '../config/config.js';
import { HubError } from '../core/errors.js';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Request-Id';
const EXPOSED_HEADERS = 'Retry-After, X-Request-Id';
/** Browsers may cache a preflight answer this long (seconds). */
const PREFLIGHT_MAX_AGE = 600;

/** True when `origin` may call the API under `allowed`. */
export function isOriginAllowed(allowed: AllowedOrigins, origin: string): boolean {
  return allowed === '*' || allowed.includes(origin);
}

function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/** Sets the CORS response headers for an allowed origin; returns whether it was allowed. */
function applyCors(allowed: AllowedOrigins, request: FastifyRequest, reply: FastifyReply): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (allowed === '*') {
    reply.header('access-control-allow-origin', '*');
  } else {
    // The answer depends on the Origin header: caches must not share it across origins.
    reply.header('vary', 'Origin');
    if (!isOriginAllowed(allowed, origin)) return false;
    reply.header('access-control-allow-origin', origin);
  }
  reply.header('access-control-expose-headers', EXPOSED_HEADERS);
  return true;
}

/** Adds CORS headers to `/api` responses and answers preflight requests (`OPTIONS /api/*`). */
export function registerCors(app: FastifyInstance, allowed: AllowedOrigins): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isApiPath(request.url) && request.method !== 'OPTIONS') applyCors(allowed, request, reply);
  });
  const preflight = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.headers.origin !== undefined && !applyCors(allowed, request, reply)) {
      throw new HubError('forbidden', 'origin not allowed');
    }
    reply
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE))
      .code(204)
      .send();
  };
  app.options('/api', preflight);
  app.options('/api/*', preflight);
}
