/** `leave`: stop being a member of a room (a direct conversation cannot be left). */
import { leaveCommand } from '../../protocol/commands.js';
import { ackFrame } from '../frames.js';
import { defineCommand } from './command.js';

export const leave = defineCommand({
  type: 'leave',
  schema: leaveCommand,
  needs: { hello: true },
  rate: 'membership',
  handle: async ({ session, user, services }, command) => {
    await services.rooms.leave(user, command.room);
    session.reply(ackFrame(command.id, { room: command.room }));
  },
});
