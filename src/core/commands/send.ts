/**
 * `send`: a message to a room or, with `to`, to a user. The ack goes out only once the message
 * is committed (group commit); a retry with the same clientMsgId gets the first ack again.
 */
import { randomUUID } from 'node:crypto';
import { sendCommand, type SendCommand } from '../../protocol/commands.js';
import { dmParticipants } from '../../protocol/names.js';
import { HubError, isHubError } from '../errors.js';
import { ackFrame, msgIdOf } from '../frames.js';
import { ContentRefusedError, type AppendResult } from '../store.js';
import type { SessionUser } from '../session.js';
import { defineCommand, type CommandServices } from './command.js';

export const send = defineCommand({
  type: 'send',
  schema: sendCommand,
  needs: { hello: true },
  rate: 'message',
  handle: async ({ session, user, services }, command) => {
    if (command.text.length > services.options.maxTextLength) {
      throw new HubError('invalid_request', `text: at most ${services.options.maxTextLength} characters`);
    }
    // A member's room is known without waiting: most sends take no detour through a promise.
    const { room, roomId } = memberRoom(user, command) ?? (await targetRoom(services, user, command));
    services.routing.typing(session, room, false);

    let result: AppendResult;
    try {
      result = await services.messages.append({
        roomId,
        room,
        senderId: user.id,
        sender: user.username,
        text: command.text,
        createdAt: services.now(),
        clientMsgId: command.clientMsgId ?? randomUUID(),
      });
    } catch (error) {
      if (isHubError(error)) throw error;
      // The database refused this very message (its neighbours in the batch were stored).
      if (error instanceof ContentRefusedError) throw new HubError('invalid_request', 'the database cannot store this message');
      services.logger.error({ err: error, room }, 'message store failed');
      throw new HubError('unavailable', 'the message was not stored; retry with the same clientMsgId');
    }
    const stored = result.message;
    session.reply(
      ackFrame(command.id, {
        room,
        seq: stored.seq,
        msgId: msgIdOf(stored.roomId, stored.seq),
        ts: new Date(stored.createdAt).toISOString(),
      }),
    );
  },
});

/** The room a send names, when the sender is a member of it. */
function memberRoom(user: SessionUser, command: SendCommand): { room: string; roomId: number } | undefined {
  if (command.room === undefined) return undefined;
  const roomId = user.rooms.get(command.room);
  return roomId === undefined ? undefined : { room: command.room, roomId };
}

/**
 * The room a send goes to, checked against the sender's memberships. A direct conversation
 * always has both participants as members (it cannot be left), so a send to one — by `to` or
 * by its room key — always reaches the other.
 */
async function targetRoom(services: CommandServices, user: SessionUser, command: SendCommand): Promise<{ room: string; roomId: number }> {
  if (command.to !== undefined) {
    const dm = await services.rooms.openDirect(user, command.to);
    return { room: dm.key, roomId: dm.id };
  }
  const room = command.room!;
  const roomId = user.rooms.get(room);
  if (roomId !== undefined) return { room, roomId };
  const participants = dmParticipants(room);
  if (participants !== undefined && participants.includes(user.username.toLowerCase())) {
    const other = participants[0] === user.username.toLowerCase() ? participants[1] : participants[0];
    const dm = await services.rooms.openDirect(user, other);
    return { room: dm.key, roomId: dm.id };
  }
  // Not a member: say why without revealing more than history would.
  const record = await services.store.findRoom(room);
  if (record === undefined) throw new HubError('not_found', `room ${room} does not exist`);
  if (record.visibility !== 'public') throw new HubError('forbidden', `room ${room} is private`);
  throw new HubError('forbidden', `join ${room} before sending to it`);
}
