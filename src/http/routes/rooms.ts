/**
 * Room routes: list, directory, create, invite, history and members. The rules live in the
 * core's RoomService and the limits in the core's rate classes, shared with the WebSocket
 * commands; this file only maps HTTP onto them.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { RateLimits } from '../../core/commands/command.js';
import type { Presence } from '../../core/presence.js';
import type { RoomService } from '../../core/room-service.js';
import { addMemberBody, createRoomBody, directoryQuery, historyQuery, roomParams } from '../../protocol/http.js';
import { requireUser } from '../authenticate.js';
import { limitPerUser } from '../rate-limiter.js';

export interface RoomRoutesDeps {
  readonly rooms: RoomService;
  readonly presence: Presence;
  /** The per-user limits of the WebSocket commands, counted for the same actions here. */
  readonly limits: Pick<RateLimits, 'history' | 'membership'>;
}

type RoomParams = z.infer<typeof roomParams>;

export function roomRoutes(deps: RoomRoutesDeps): FastifyPluginAsync {
  const { rooms, presence } = deps;
  const history = limitPerUser(deps.limits.history, 'history requests');
  const membership = limitPerUser(deps.limits.membership, 'membership changes');
  return async (app) => {
    app.get('/api/rooms', async (request) => {
      const user = await requireUser(request);
      return { rooms: await rooms.list(user) };
    });

    app.get<{ Querystring: z.infer<typeof directoryQuery> }>(
      '/api/rooms/directory',
      { schema: { querystring: directoryQuery }, preHandler: history },
      async (request) => {
        const user = await requireUser(request);
        return rooms.directory(user, request.query);
      },
    );

    app.post<{ Body: z.infer<typeof createRoomBody> }>('/api/rooms', { schema: { body: createRoomBody }, preHandler: membership }, async (request, reply) => {
      const user = await requireUser(request);
      const room = await rooms.create(user, request.body.room, request.body.visibility);
      return reply.code(201).send({ room });
    });

    app.post<{ Params: RoomParams; Body: z.infer<typeof addMemberBody> }>(
      '/api/rooms/:room/members',
      { schema: { params: roomParams, body: addMemberBody }, preHandler: membership },
      async (request, reply) => {
        const user = await requireUser(request);
        await rooms.invite(user, request.params.room, request.body.username);
        return reply.code(204).send();
      },
    );

    app.get<{ Params: RoomParams }>('/api/rooms/:room/members', { schema: { params: roomParams } }, async (request) => {
      const user = await requireUser(request);
      const members = await rooms.members(user, request.params.room);
      const online = await presence.statuses(members.map((m) => m.id));
      return {
        members: members.map((m) => {
          const availability = online.get(m.id);
          return availability === undefined ? { username: m.username, status: 'offline' } : { username: m.username, status: 'online', availability };
        }),
      };
    });

    app.get<{ Params: RoomParams; Querystring: z.infer<typeof historyQuery> }>(
      '/api/rooms/:room/messages',
      { schema: { params: roomParams, querystring: historyQuery }, preHandler: history },
      async (request) => {
        const user = await requireUser(request);
        const { before, after, limit } = request.query;
        return rooms.history(user, request.params.room, { before, after, limit });
      },
    );
  };
}
