/** `read`: moves the user's read position forward and tells the room (and the user's devices). */
import type { ReadCommand } from '../../protocol/commands.js';
import { HubError } from '../errors.js';
import { serialize } from '../frames.js';
import type { Hub } from '../hub.js';
import type { Session } from '../session.js';
import { ackFrame } from './ack.js';

export async function handleRead(hub: Hub, session: Session, command: ReadCommand): Promise<void> {
  const user = session.user!;
  const roomId = user.rooms.get(command.room);
  if (roomId === undefined) throw new HubError('forbidden', `not a member of ${command.room}`);
  const room = await hub.store.findRoom(command.room);
  if (room === undefined) throw new HubError('not_found', `room ${command.room} does not exist`);
  if (command.seq > room.lastSeq) {
    throw new HubError('invalid_request', `seq ${command.seq} is beyond the last message (${room.lastSeq})`);
  }
  const position = await hub.store.advanceReadSeq(roomId, user.id, command.seq);
  if (position === command.seq && command.seq > 0) {
    await hub.broadcast(command.room, serialize({ type: 'receipt', room: command.room, user: user.username, seq: position }));
  }
  session.reply(ackFrame(command.id, { room: command.room, seq: position }));
}
