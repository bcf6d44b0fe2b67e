/**
 * `GET /api/users/:username`: one user's profile card — their presence, their availability
 * while online, and when they were last seen while offline. Any signed-in user may ask (a
 * username is no secret: it is how conversations are started). Its own file: user search lives
 * beside it in `users.ts`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import { HubError } from '../../core/errors.js';
import type { Presence } from '../../core/presence.js';
import type { UserStore } from '../../core/store.js';
import { userParams, userProfileResponse, type UserProfile } from '../../protocol/http.js';
import { requireUser } from '../authenticate.js';

export interface UserProfileRoutesDeps {
  readonly store: Pick<UserStore, 'findUserByName'>;
  readonly presence: Pick<Presence, 'statuses'>;
}

export function userProfileRoutes(deps: UserProfileRoutesDeps): FastifyPluginAsync {
  const { store, presence } = deps;
  return async (app) => {
    app.get<{ Params: z.infer<typeof userParams> }>(
      '/api/users/:username',
      { schema: { params: userParams, response: { 200: userProfileResponse } } },
      async (request) => {
        await requireUser(request);
        const user = await store.findUserByName(request.params.username);
        if (user === undefined) throw new HubError('not_found', `no user ${request.params.username}`);
        const availability = (await presence.statuses([user.id])).get(user.id);
        const profile: UserProfile =
          availability !== undefined
            ? { username: user.username, status: 'online', availability }
            : {
                username: user.username,
                status: 'offline',
                ...(user.lastSeenAt === null ? {} : { lastSeen: new Date(user.lastSeenAt).toISOString() }),
              };
        return { user: profile };
      },
    );
  };
}
