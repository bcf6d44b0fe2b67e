/**
 * User routes: find users by the start of their name (autocompletion wherever a username is
 * typed) and look one up by name (does this person exist?). Both are reads: they count against
 * the per-user `history` limit, like the room directory and history.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { RateLimits } from '../../core/commands/command.js';
import { HubError } from '../../core/errors.js';
import type { UserStore } from '../../core/store.js';
import { userParams, userProfileResponse, userSearchQuery, userSearchResponse } from '../../protocol/http.js';
import { requireUser } from '../authenticate.js';
import { limitPerUser } from '../rate-limiter.js';

/** What the user routes need. */
export interface UserRoutesDeps {
  readonly users: Pick<UserStore, 'findUserByName' | 'listUsersByPrefix'>;
  /** The per-user limit of reads, shared with the WebSocket `history` command. */
  readonly limits: Pick<RateLimits, 'history'>;
}

/** `GET /api/users?q=&limit=` and `GET /api/users/:username`. */
export function userRoutes(deps: UserRoutesDeps): FastifyPluginAsync {
  const { users } = deps;
  const reads = limitPerUser(deps.limits.history, 'reads');
  return async (app) => {
    app.get<{ Querystring: z.infer<typeof userSearchQuery> }>(
      '/api/users',
      { schema: { querystring: userSearchQuery, response: { 200: userSearchResponse } }, preHandler: reads },
      async (request) => {
        await requireUser(request);
        const found = await users.listUsersByPrefix(request.query.q, request.query.limit);
        return { users: found.map((user) => ({ username: user.username })) };
      },
    );

    app.get<{ Params: z.infer<typeof userParams> }>(
      '/api/users/:username',
      { schema: { params: userParams, response: { 200: userProfileResponse } }, preHandler: reads },
      async (request) => {
        await requireUser(request);
        const user = await users.findUserByName(request.params.username);
        if (user === undefined) throw new HubError('not_found', `no user ${request.params.username}`);
        return { user: { username: user.username } };
      },
    );
  };
}
