/** `join`: become a member of a room (a public room that does not exist is created). */
import { joinCommand } from '../../protocol/commands.js';
import { ackFrame } from '../frames.js';
import { defineCommand } from './command.js';

export const join = defineCommand({
  type: 'join',
  schema: joinCommand,
  needs: { hello: true },
  rate: 'membership',
  handle: async ({ session, user, services }, command) => {
    const room = await services.rooms.join(user, command.room);
    // Already a member (another tab joined): make sure this node follows it all the same.
    await services.routing.follow(user, room);
    // Read after following: every message past this seq reaches the session live. The channel's
    // baseline may be older, so a repair may bring messages up to it: they are history to this
    // session (the floor drops them), which asked from `lastSeq` on.
    const lastSeq = (await services.store.findRoom(room.key))?.lastSeq ?? room.lastSeq;
    session.feed.raiseFloor(room.key, lastSeq);
    session.reply(ackFrame(command.id, { room: room.key, lastSeq }));
  },
});
