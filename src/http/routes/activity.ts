/**
 * `GET /api/rooms/:room/activity`: a room's recorded joins and leaves by message window, for
 * the conversation's quiet lines. The access rule is history's (RoomService.findReadable) and
 * each page counts against the history limit, like a page of messages.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { RateLimits } from '../../core/commands/command.js';
import type { RoomService } from '../../core/room-service.js';
import { activityQuery, roomParams } from '../../protocol/http.js';
import { requireUser } from '../authenticate.js';
import { limitPerUser } from '../rate-limiter.js';

export interface ActivityRoutesDeps {
  readonly rooms: RoomService;
  readonly limits: Pick<RateLimits, 'history'>;
}

/** The activity route as a Fastify plugin. */
export function activityRoutes(deps: ActivityRoutesDeps): FastifyPluginAsync {
  const limited = limitPerUser(deps.limits.history, 'history requests');
  return async (app) => {
    app.get<{ Params: z.infer<typeof roomParams>; Querystring: z.infer<typeof activityQuery> }>(
      '/api/rooms/:room/activity',
      { schema: { params: roomParams, querystring: activityQuery }, preHandler: limited },
      async (request) => {
        const user = await requireUser(request);
        const { after, before, limit } = request.query;
        return deps.rooms.activity(user, request.params.room, { after, before, limit });
      },
    );
  };
}
