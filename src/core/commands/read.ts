/** `read`: moves the user's read position forward and tells the room (and the user's devices). */
import { readCommand } from '../../protocol/commands.js';
import { HubError } from '../errors.js';
import { ackFrame } from '../frames.js';
import { defineCommand } from './command.js';

export const read = defineCommand({
  type: 'read',
  schema: readCommand,
  needs: { hello: true, membership: true },
  handle: async ({ session, user, roomId, services }, command) => {
    const room = await services.store.findRoom(command.room);
    if (room === undefined) throw new HubError('not_found', `room ${command.room} does not exist`);
    if (command.seq > room.lastSeq) {
      throw new HubError('invalid_request', `seq ${command.seq} is beyond the last message (${room.lastSeq})`);
    }
    const position = await services.store.advanceReadSeq(roomId, user.id, command.seq);
    if (position === command.seq && command.seq > 0) services.routing.receipt(user, command.room, position);
    session.reply(ackFrame(command.id, { room: command.room, seq: position }));
  },
});
