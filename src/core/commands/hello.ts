/**
 * `hello`: authenticate, load the user's rooms, answer `welcome`, then bring every room up to
 * date — replaying from the store what a resuming client missed — before live delivery.
 */
import { CLOSE_CODES } from '../../protocol/codes.js';
import type { HelloCommand } from '../../protocol/commands.js';
import type { ResumeResult, RoomState } from '../../protocol/events.js';
import { isHubError } from '../errors.js';
import { errorFrame, messageFrame, serialize } from '../frames.js';
import type { Hub } from '../hub.js';
import type { CatchUpDeps } from '../room-sync.js';
import { catchUp, releaseHeld } from '../room-sync.js';
import type { Session } from '../session.js';
import { runPending } from './dispatch.js';
import { armTokenExpiry } from './token-expiry.js';

export async function handleHello(hub: Hub, session: Session, command: HelloCommand): Promise<void> {
  const token = command.token ?? session.queryToken;
  session.queryToken = undefined;
  if (session.helloTimer !== undefined) clearTimeout(session.helloTimer);
  if (token === undefined) return refuse(hub, session, command.id, 'a token is required');
  session.state = 'authenticating';

  let verified;
  try {
    verified = await hub.tokens.verify(token);
  } catch (error) {
    if (!isHubError(error)) throw error;
    return refuse(hub, session, command.id, error.message);
  }
  if (session.isClosed) return;
  const { user: account } = verified;

  // Take the slot first, then count: simultaneous hellos cannot all slip under the limit.
  // From here on, closing the session (for whatever reason) gives the slot back.
  session.presenceUserId = account.id;
  await hub.presence.connect(account.id, session.id);
  if ((await hub.presence.connectionCount(account.id)) > hub.options.maxConnectionsPerUser) {
    hub.observer.rateLimited('connections');
    session.reply(errorFrame('rate_limited', `at most ${hub.options.maxConnectionsPerUser} connections per user`, command.id));
    session.close(CLOSE_CODES.policy, 'too many connections');
    hub.closed(session, 'too many connections');
    return;
  }
  const user = await hub.attachSession(session, account.id, account.username);
  if (user === undefined) return; // closed meanwhile
  // Read after the session follows its rooms: anything newer than this reaches it live.
  const [listings, online] = await Promise.all([hub.store.listOwnRooms(account.id), onlineCoMembers(hub, account.id)]);
  if (session.isClosed) return;

  const rooms: RoomState[] = [];
  const lastSeqOf = new Map<string, { roomId: number; lastSeq: number }>();
  for (const listing of listings) {
    if (!listing.member) continue;
    rooms.push({ room: listing.room.key, lastSeq: listing.room.lastSeq, readSeq: listing.readSeq, unread: listing.unread });
    lastSeqOf.set(listing.room.key, { roomId: listing.room.id, lastSeq: listing.room.lastSeq });
  }
  const resumed: Record<string, ResumeResult> = {};
  const replays: { room: string; roomId: number; from: number }[] = [];
  for (const [room, seen] of Object.entries(command.resume ?? {})) {
    const state = lastSeqOf.get(room);
    // Only rooms the user may still read are replayed; nothing is said about the others.
    if (state === undefined || !user.rooms.has(room)) {
      resumed[room] = { recovered: false, missed: 0 };
      continue;
    }
    resumed[room] = { recovered: true, missed: Math.max(0, state.lastSeq - seen) };
    if (seen < state.lastSeq) replays.push({ room, roomId: state.roomId, from: seen });
  }

  session.state = 'open';
  armTokenExpiry(hub, session, verified.expiresAt);
  if (session.isClosed) return;
  session.reply(
    serialize({
      type: 'welcome',
      ...(command.id === undefined ? {} : { id: command.id }),
      user: { id: account.id, username: account.username },
      sessionId: session.id,
      rooms,
      resumed,
      online,
    }),
  );
  hub.logger.info({ sessionId: session.id, user: account.username, remote: session.remoteAddress }, 'session opened');

  // Rooms that are not replayed go live now: their held messages are those after the read.
  const syncing = session.syncing!;
  const replayed = new Set(replays.map((r) => r.room));
  const send = (frame: string): void => session.send(frame);
  for (const [room, sync] of syncing) {
    if (replayed.has(room)) continue;
    setFloor(session, room, releaseHeld(sync, lastSeqOf.get(room)?.lastSeq ?? 0, send));
    syncing.delete(room);
  }
  runPending(hub, session);
  await replayRooms(hub, session, replays);
}

/** Replays the resumed rooms one after another, each switching to live when caught up. */
async function replayRooms(hub: Hub, session: Session, replays: readonly { room: string; roomId: number; from: number }[]): Promise<void> {
  const deps: CatchUpDeps = {
    pageSize: hub.options.replayPageSize,
    history: async (roomId, after, limit) => {
      const page = await hub.store.history(roomId, { after, limit });
      return { frames: page.messages.map(messageFrame), lastSeq: page.messages.at(-1)?.seq ?? after, hasMore: page.hasMore };
    },
    writable: () => waitWritable(hub, session),
    isClosed: () => session.isClosed,
    // A replay is an answer the client waits for: written at once, page by page.
    send: (frame) => session.reply(frame),
  };
  for (const replay of replays) {
    const sync = session.syncing?.get(replay.room);
    if (sync === undefined) continue; // left the room meanwhile
    const { floor } = await catchUp(sync, replay.from, replay.roomId, deps);
    setFloor(session, replay.room, floor);
    session.syncing?.delete(replay.room);
  }
  if (session.syncing?.size === 0) session.syncing = undefined;
}

function setFloor(session: Session, room: string, floor: number): void {
  if (floor > 0) (session.floors ??= new Map()).set(room, floor);
}

/** Waits until the session's backlog is below a quarter of its limit (the client reads). */
async function waitWritable(hub: Hub, session: Session): Promise<void> {
  const threshold = hub.options.sendBufferBytes / 4;
  while (!session.isClosed && session.backlogBytes > threshold) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Users who share a room with the user and are online now — in rooms of at most
 * `welcomePresenceRoomSize` members; for larger rooms the members list
 * (`GET /api/rooms/:room/members`) is the place to look.
 */
async function onlineCoMembers(hub: Hub, userId: number): Promise<string[]> {
  const others = await hub.store.listCoMembers(userId, hub.options.welcomePresenceRoomSize);
  if (others.length === 0) return [];
  const online = await hub.presence.online(others.map((u) => u.id));
  return others.filter((u) => online.has(u.id)).map((u) => u.username);
}

function refuse(hub: Hub, session: Session, id: string | undefined, message: string): void {
  session.reply(errorFrame('unauthorized', message, id));
  session.close(CLOSE_CODES.unauthorized, 'unauthorized');
  hub.closed(session, 'unauthorized');
}
