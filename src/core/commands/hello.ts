/**
 * `hello`: authenticate, load the user's rooms, answer `welcome`, then bring every room up to
 * date — replaying from the store what a resuming client missed — before live delivery.
 *
 * A failure after the token is accepted (presence or the store unreachable) closes the
 * connection with 1011, so the client reconnects: a session is never left half set up.
 */
import { CLOSE_CODES } from '../../protocol/codes.js';
import { helloCommand } from '../../protocol/commands.js';
import type { Availability } from '../../protocol/availability.js';
import type { ResumeResult, RoomState } from '../../protocol/events.js';
import { isHubError } from '../errors.js';
import { errorFrame, messageFrame, serialize } from '../frames.js';
import { catchUp, type CatchUpDeps } from '../room-sync.js';
import type { Session, SessionUser } from '../session.js';
import type { VerifiedToken } from '../token-verifier.js';
import { defineCommand, type CommandServices } from './command.js';

/** A room to replay to the session after `from`. */
interface Replay {
  readonly room: string;
  readonly roomId: number;
  readonly from: number;
}

export const hello = defineCommand({
  type: 'hello',
  schema: helloCommand,
  needs: { hello: false },
  handle: async ({ session, services }, command) => {
    const token = session.beginHello(command.token);
    if (token === undefined) return refuse(session, command.id, 'a token is required');
    let verified: VerifiedToken;
    try {
      verified = await services.tokens.verify(token);
    } catch (error) {
      if (!isHubError(error)) throw error;
      return refuse(session, command.id, error.message);
    }
    if (session.isClosed) return;
    try {
      await welcome(session, services, verified, command.id, command.resume ?? {});
    } catch (error) {
      services.logger.error({ err: error, sessionId: session.id }, 'hello failed after authentication');
      session.reply(errorFrame('unavailable', 'the session could not be set up; reconnect', command.id));
      session.close(CLOSE_CODES.serverError, 'session setup failed');
    }
  },
});

async function welcome(
  session: Session,
  services: CommandServices,
  verified: VerifiedToken,
  id: string | undefined,
  resume: Readonly<Record<string, number>>,
): Promise<void> {
  const account = verified.user;
  const { options, presence, store } = services;
  // Take the slot first, then count: simultaneous hellos cannot all slip under the limit.
  // From here on, closing the session (for whatever reason) gives the slot back.
  session.holdPresence(account.id);
  await presence.connect(account.id, session.id, account.availability);
  if ((await presence.connectionCount(account.id)) > options.maxConnectionsPerUser) {
    services.observer.rateLimited('connections');
    session.reply(errorFrame('rate_limited', `at most ${options.maxConnectionsPerUser} connections per user`, id));
    session.close(CLOSE_CODES.policy, 'too many connections');
    return;
  }
  const user = await services.routing.attach(session, account);
  if (user === undefined) return; // closed meanwhile
  // Read after the session follows its rooms: anything newer than this reaches it live.
  const [listings, online, own] = await Promise.all([
    store.listOwnRooms(account.id),
    onlineCoMembers(services, account.id),
    // What presence holds: newer than the account read before this session connected.
    presence.statuses([account.id]),
  ]);
  if (session.isClosed) return;

  const rooms: RoomState[] = [];
  const lastSeqOf = new Map<string, { roomId: number; lastSeq: number }>();
  for (const listing of listings) {
    rooms.push({ room: listing.room.key, lastSeq: listing.room.lastSeq, readSeq: listing.readSeq, unread: listing.unread });
    lastSeqOf.set(listing.room.key, { roomId: listing.room.id, lastSeq: listing.room.lastSeq });
  }
  const resumed: Record<string, ResumeResult> = {};
  const replays: Replay[] = [];
  for (const [room, seen] of Object.entries(resume)) {
    const state = lastSeqOf.get(room);
    // Only rooms the user may still read are replayed; nothing is said about the others. A
    // position past the room's end is not this server's history (a restored database, another
    // deployment): the client's copy cannot be brought in line, so it is not "recovered".
    if (state === undefined || !user.rooms.has(room) || seen > state.lastSeq) {
      resumed[room] = { recovered: false, missed: 0 };
      continue;
    }
    resumed[room] = { recovered: true, missed: state.lastSeq - seen };
    if (seen < state.lastSeq) replays.push({ room, roomId: state.roomId, from: seen });
  }

  session.open(verified.expiresAt);
  if (session.isClosed) return;
  session.reply(
    serialize({
      type: 'welcome',
      ...(id === undefined ? {} : { id }),
      user: { id: account.id, username: account.username },
      sessionId: session.id,
      rooms,
      resumed,
      online: online.map((u) => u.username),
      availability: own.get(account.id) ?? account.availability,
      availabilities: Object.fromEntries(online.map((u) => [u.username, u.availability])),
    }),
  );
  services.logger.info({ sessionId: session.id, user: account.username, remote: session.remoteAddress }, 'session opened');

  // Rooms that are not replayed go live now: their held messages are those after the read.
  const replayed = new Set(replays.map((r) => r.room));
  const send = (frame: string): void => session.send(frame);
  for (const room of session.feed.syncingRooms()) {
    if (!replayed.has(room)) session.feed.release(room, lastSeqOf.get(room)?.lastSeq ?? 0, send);
  }
  // The replay runs beside the commands the client pipelined (the dispatcher runs them now).
  if (replays.length > 0) {
    replayRooms(session, services, user, replays).catch((error: unknown) => {
      services.logger.error({ err: error, sessionId: session.id }, 'replay failed');
      session.close(CLOSE_CODES.serverError, 'replay failed');
    });
  }
}

/** Replays the resumed rooms one after another, each switching to live when caught up. */
async function replayRooms(session: Session, services: CommandServices, user: SessionUser, replays: readonly Replay[]): Promise<void> {
  const { options, store } = services;
  const deps: CatchUpDeps = {
    pageSize: options.replayPageSize,
    history: async (roomId, after, limit) => {
      const page = await store.history(roomId, { after, limit });
      return { frames: page.messages.map(messageFrame), lastSeq: page.messages.at(-1)?.seq ?? after, hasMore: page.hasMore };
    },
    // Between pages, wait for the client to read (its socket drains), or give up on it.
    writable: async () => {
      await session.drainedTo(options.sendBufferBytes / 4, options.drainTimeoutMs);
    },
    isClosed: () => session.isClosed,
    // A replay is an answer the client waits for: written at once, page by page.
    send: (frame) => session.reply(frame),
  };
  for (const replay of replays) {
    const sync = session.feed.syncOf(replay.room);
    if (sync === undefined || !user.rooms.has(replay.room)) continue; // left the room meanwhile
    const { floor } = await catchUp(sync, replay.from, replay.roomId, deps);
    if (session.isClosed) return;
    session.feed.goLive(replay.room, floor);
  }
}

/**
 * Users who share a room with the user and are online now — in rooms of at most
 * `presenceRoomSize` members; for larger rooms the members list
 * (`GET /api/rooms/:room/members`) is the place to look.
 */
async function onlineCoMembers(services: CommandServices, userId: number): Promise<{ username: string; availability: Availability }[]> {
  const others = await services.store.listCoMembers(userId, services.options.presenceRoomSize);
  if (others.length === 0) return [];
  const online = await services.presence.statuses(others.map((u) => u.id));
  return others.flatMap((u) => {
    const availability = online.get(u.id);
    return availability === undefined ? [] : [{ username: u.username, availability }];
  });
}

function refuse(session: Session, id: string | undefined, message: string): void {
  session.reply(errorFrame('unauthorized', message, id));
  session.close(CLOSE_CODES.unauthorized, 'unauthorized');
}
