/** `join`, `leave` and `history`. */
import type { HistoryCommand, JoinCommand, LeaveCommand } from '../../protocol/commands.js';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/commands.js';
import { serialize } from '../frames.js';
import type { Hub } from '../hub.js';
import type { Session } from '../session.js';
import { ackFrame } from './ack.js';

export async function handleJoin(hub: Hub, session: Session, command: JoinCommand): Promise<void> {
  const user = session.user!;
  const { room } = await hub.rooms.join(user, command.room);
  // Already a member (another tab joined): make sure this node follows it all the same.
  if (!user.rooms.has(room.key)) await hub.followRoom(user, room.key, room.id, room.lastSeq);
  // Read after following: every message past this seq reaches the session live. The channel's
  // baseline is older, so a repair may bring messages up to it: they are history to this
  // session (the floor drops them), which asked from `lastSeq` on.
  const lastSeq = (await hub.store.findRoom(room.key))?.lastSeq ?? room.lastSeq;
  if (lastSeq > 0) (session.floors ??= new Map()).set(room.key, Math.max(lastSeq, session.floors?.get(room.key) ?? 0));
  session.reply(ackFrame(command.id, { room: room.key, lastSeq }));
}

export async function handleLeave(hub: Hub, session: Session, command: LeaveCommand): Promise<void> {
  await hub.rooms.leave(session.user!, command.room);
  session.reply(ackFrame(command.id, { room: command.room }));
}

export async function handleHistory(hub: Hub, session: Session, command: HistoryCommand): Promise<void> {
  const page = await hub.rooms.history(session.user!, command.room, {
    before: command.before,
    after: command.after,
    limit: command.limit ?? DEFAULT_HISTORY_LIMIT,
  });
  const id = command.id === undefined ? {} : { id: command.id };
  session.reply(serialize({ type: 'history', ...id, room: command.room, messages: page.messages, hasMore: page.hasMore }));
}
