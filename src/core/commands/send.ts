/**
 * `send`: a message to a room or, with `to`, to a user. The ack goes out only once the message
 * is committed (group commit); a retry with the same clientMsgId gets the first ack again.
 */
import { randomUUID } from 'node:crypto';
import type { SendCommand } from '../../protocol/commands.js';
import { HubError, isHubError } from '../errors.js';
import { msgIdOf } from '../frames.js';
import type { Hub } from '../hub.js';
import type { LocalUser } from '../local-user.js';
import type { Session } from '../session.js';
import type { AppendResult } from '../store.js';
import { ackFrame } from './ack.js';

export async function handleSend(hub: Hub, session: Session, command: SendCommand): Promise<void> {
  const user = session.user!;
  if (command.text.length > hub.options.maxTextLength) {
    throw new HubError('invalid_request', `text: at most ${hub.options.maxTextLength} characters`);
  }
  const limit = await hub.messageLimiter.consume(String(user.id));
  if (!limit.allowed) {
    hub.observer.rateLimited('message');
    throw new HubError('rate_limited', `too many messages; retry in ${limit.retryAfterSeconds} s`);
  }
  const { room, roomId } = await targetRoom(hub, user, command);
  if (session.typing?.delete(room)) hub.relayTyping(user, room, false);

  let result: AppendResult;
  try {
    result = await hub.messages.append({
      roomId,
      room,
      senderId: user.id,
      sender: user.username,
      text: command.text,
      createdAt: hub.now(),
      clientMsgId: command.clientMsgId ?? randomUUID(),
    });
  } catch (error) {
    if (isHubError(error)) throw error;
    hub.logger.error({ err: error, room }, 'message store failed');
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
}

/** The room a send goes to, checked against the sender's memberships. */
async function targetRoom(hub: Hub, user: LocalUser, command: SendCommand): Promise<{ room: string; roomId: number }> {
  if (command.to !== undefined) {
    const dm = await hub.rooms.openDirect(user, command.to);
    return { room: dm.key, roomId: dm.id };
  }
  const room = command.room!;
  const roomId = user.rooms.get(room);
  if (roomId !== undefined) return { room, roomId };
  // Not a member: say why without revealing more than history would.
  const record = await hub.store.findRoom(room);
  if (record === undefined) throw new HubError('not_found', `room ${room} does not exist`);
  if (record.visibility !== 'public') throw new HubError('forbidden', `room ${room} is private`);
  throw new HubError('forbidden', `join ${room} before sending to it`);
}
