/**
 * User routes: find users by the start of their name (autocompletion wherever a username is
 * typed), and one user's profile card by name (does this person exist; their presence, their
 * availability while online, when they were last seen while offline). A username is no secret:
 * it is how conversations are started. Both are reads: they count against the per-user
 * `history` limit, like the room directory and history.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { RateLimits } from '../../core/commands/command.js';
import { HubError } from '../../core/errors.js';
import type { Presence } from '../../core/presence.js';
import type { UserStore } from '../../core/store.js';
import { userParams, userProfileResponse, userSearchQuery, userSearchResponse, type UserProfile } from '../../protocol/http.js';
import { requireUser } from '../authenticate.js';
import { limitPerUser } from '../rate-limiter.js';

/** What the user routes need. */
export interface UserRoutesDeps {
  readonly users: Pick<UserStore, 'findUserByName' | 'listUsersByPrefix'>;
  /** Who is online, with their availability (for the profile card). */
  readonly presence: Pick<Presence, 'statuses'>;
  /** The per-user limit of reads, shared with the WebSocket `history` command. */
  readonly limits: Pick<RateLimits, 'history'>;
}

/** `GET /api/users?q=&limit=` and `GET /api/users/:username`. */
export function userRoutes(deps: UserRoutesDeps): FastifyPluginAsync {
  const { users, presence } = deps;
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
        const availability = (await presence.statuses([user.id])).get(user.id);
        const profile: UserProfile =
          availability !== undefined
            ? { username: user.username, status: 'online', availability }
            : { username: user.username, status: 'offline', ...(user.lastSeenAt === null ? {} : { lastSeen: new Date(user.lastSeenAt).toISOString() }) };
        return { user: profile };
      },
    );
  };
}
