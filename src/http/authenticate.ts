/**
 * Bearer authentication for `/api` routes.
 *
 * Usage in a route plugin (the plugin is registered through `createHttpApp`, which decorates
 * the app with the account service):
 *
 *   app.get('/api/rooms', async (request) => {
 *     const user = await requireUser(request); // 401 `unauthorized` unless a valid Bearer token
 *     ...
 *   });
 *
 * Calling it again for the same request costs nothing: the result is remembered.
 */
import type { FastifyRequest } from 'fastify';
import type { AccountService } from '../auth/account-service.js';
import { HubError } from '../core/errors.js';
import type { UserRecord } from '../core/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The account service; set by `createHttpApp` for `requireUser`. */
    accounts: AccountService;
  }
}

const users = new WeakMap<FastifyRequest, Promise<UserRecord>>();

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The user the request's Bearer access token names (creating an external user on first use,
 * when configured). Throws `HubError('unauthorized')` when the header is missing or the token
 * is invalid or expired.
 */
export function requireUser(request: FastifyRequest): Promise<UserRecord> {
  let user = users.get(request);
  if (user === undefined) {
    const token = bearerToken(request.headers.authorization);
    user =
      token === undefined
        ? Promise.reject(new HubError('unauthorized', 'missing Bearer access token'))
        : request.server.accounts.authenticate(token);
    users.set(request, user);
  }
  return user;
}
