/**
 * Rooms and who may do what in them — the rules shared by the WebSocket commands and the HTTP
 * routes: public rooms are open to all, private rooms to members (invited), and a direct
 * conversation always has exactly its two participants as members (it cannot be left).
 */
import type { Message } from '../protocol/events.js';
import type { ActivityResponse, DirectoryPage, RoomSummary } from '../protocol/http.js';
import { dmParticipants, dmRoomKey, isDmRoomKey } from '../protocol/names.js';
import { HubError, RateLimitedError } from './errors.js';
import { toWireMessage } from './frames.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ActivityQuery, HistoryQuery, RoomRecord, RoomVisibility, Store, UserRecord } from './store.js';

/** Who acts: the authenticated user. */
export interface Actor {
  readonly id: number;
  readonly username: string;
}

/** A user joined or left a room. */
export interface MembershipEvent {
  readonly userId: number;
  readonly username: string;
  /** The room as read before the change (its `lastSeq` is a baseline for new followers). */
  readonly room: RoomRecord;
  readonly action: 'joined' | 'left';
  /** When the store made the change, and the room's last seq then (the change sits after it). */
  readonly at: number;
  readonly afterSeq: number;
}

/** Where membership changes go: the hub applies them locally and tells the other nodes. */
export interface MembershipSink {
  membershipChanged(event: MembershipEvent): Promise<void>;
}

export interface RoomServiceDeps {
  readonly store: Store;
  readonly sink: MembershipSink;
  readonly now: () => number;
  /** Rooms a user may create per interval, keyed by user id. */
  readonly roomCreationLimiter: RateLimiter;
  /** Rooms a user may be a member of. */
  readonly maxRoomsPerUser: number;
}

export class RoomService {
  readonly #store: Store;
  readonly #sink: MembershipSink;
  readonly #now: () => number;
  readonly #roomCreation: RateLimiter;
  readonly #maxRoomsPerUser: number;

  constructor(deps: RoomServiceDeps) {
    this.#store = deps.store;
    this.#sink = deps.sink;
    this.#now = deps.now;
    this.#roomCreation = deps.roomCreationLimiter;
    this.#maxRoomsPerUser = deps.maxRoomsPerUser;
  }

  /** The room, if the actor may read it (public, or a member); otherwise not_found / forbidden. */
  async findReadable(actor: Actor, key: string): Promise<RoomRecord> {
    const room = await this.#store.findRoom(key);
    if (room === undefined) throw new HubError('not_found', `room ${key} does not exist`);
    if (room.visibility !== 'public' && !(await this.#store.isMember(room.id, actor.id))) {
      throw new HubError('forbidden', `room ${key} is private`);
    }
    return room;
  }

  /**
   * Joins a room: a public room that does not exist is created; a private room can be joined
   * only by its members (invited), a direct conversation only by its participants.
   */
  async join(actor: Actor, key: string): Promise<RoomRecord> {
    if (isDmRoomKey(key)) {
      const [a, b] = dmParticipants(key)!;
      const me = actor.username.toLowerCase();
      if (me !== a && me !== b) throw new HubError('forbidden', 'not a participant of this conversation');
      return this.openDirect(actor, me === a ? b : a);
    }
    let room = await this.#store.findRoom(key);
    if (room === undefined) {
      await this.#consumeRoomCreation(actor);
      room = await this.#store.findOrCreateRoom(key, 'public', this.#now());
    }
    if (room.visibility === 'private' && !(await this.#store.isMember(room.id, actor.id))) {
      throw new HubError('forbidden', `room ${key} is private: a member must invite you`);
    }
    await this.#addMember(room, actor);
    return room;
  }

  /**
   * Leaves a room; leaving a room one is not in is not an error (it is already done). A direct
   * conversation cannot be left: a message to it must always reach both participants.
   */
  async leave(actor: Actor, key: string): Promise<void> {
    if (isDmRoomKey(key)) throw new HubError('forbidden', 'a direct conversation cannot be left (hide it instead)');
    const room = await this.#store.findRoom(key);
    if (room === undefined) throw new HubError('not_found', `room ${key} does not exist`);
    const mark = await this.#store.removeMember(room.id, actor.id, this.#now());
    if (mark !== undefined) {
      await this.#sink.membershipChanged({ userId: actor.id, username: actor.username, room, action: 'left', ...mark });
    }
  }

  /** Creates a room with the actor as its first member. */
  async create(actor: Actor, key: string, visibility: 'public' | 'private'): Promise<RoomSummary> {
    await this.#consumeRoomCreation(actor);
    await this.#checkRoomCount(actor);
    const room = await this.#store.createRoom(key, visibility, this.#now());
    if (room === undefined) throw new HubError('conflict', `room ${key} already exists`);
    await this.#addMember(room, actor);
    return summary(room, true, 0, 0);
  }

  /** Adds another user to a room the actor is a member of (the way into private rooms). */
  async invite(actor: Actor, key: string, username: string): Promise<void> {
    const room = await this.#store.findRoom(key);
    if (room === undefined) throw new HubError('not_found', `room ${key} does not exist`);
    if (room.visibility === 'dm') throw new HubError('forbidden', 'a direct conversation has exactly two members');
    if (!(await this.#store.isMember(room.id, actor.id))) throw new HubError('forbidden', 'only members may invite');
    const invitee = await this.#store.findUserByName(username);
    if (invitee === undefined) throw new HubError('not_found', `no user ${username}`);
    await this.#addMember(room, invitee);
  }

  /**
   * The direct conversation between the actor and `username`, created on first use; both
   * participants are made members whenever one is missing.
   */
  async openDirect(actor: Actor, username: string): Promise<RoomRecord> {
    const other = await this.#store.findUserByName(username);
    if (other === undefined) throw new HubError('not_found', `no user ${username}`);
    if (other.id === actor.id) throw new HubError('invalid_request', 'a direct message needs another user');
    const key = dmRoomKey(actor.username, other.username);
    const room = await this.#store.findOrCreateRoom(key, 'dm', this.#now());
    for (const member of [actor, other] as const) await this.#addMember(room, member);
    return room;
  }

  /**
   * A page of the public directory: rooms whose key contains `q`, by key, with their member
   * counts and whether the actor is a member. `cursor` is the last key of the previous page.
   */
  async directory(actor: Actor, query: { q?: string | undefined; limit: number; cursor?: string | undefined }): Promise<DirectoryPage> {
    // One more than asked: whether a next page exists without a second query.
    const entries = await this.#store.listDirectory({ q: query.q, limit: query.limit + 1, after: query.cursor });
    const page = entries.slice(0, query.limit);
    const mine = new Set((await this.#store.listMemberships(actor.id)).map((m) => m.room.id));
    const rooms = page.map((entry) => ({
      room: entry.room.key,
      visibility: 'public' as const,
      lastSeq: entry.room.lastSeq,
      members: entry.members,
      member: mine.has(entry.room.id),
    }));
    return entries.length > query.limit ? { rooms, next: page.at(-1)!.room.key } : { rooms };
  }

  /** The actor's rooms, with read positions and unread counts. */
  async list(actor: Actor): Promise<RoomSummary[]> {
    const listings = await this.#store.listOwnRooms(actor.id);
    return listings.map((l) => summary(l.room, true, l.readSeq, l.unread));
  }

  async history(actor: Actor, key: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
    const room = await this.findReadable(actor, key);
    const page = await this.#store.history(room.id, query);
    return { messages: page.messages.map(toWireMessage), hasMore: page.hasMore };
  }

  /**
   * The joins and leaves of a room the actor may read (the rule of `history`), in conversation
   * order: the quiet lines placed after the message of each `afterSeq`.
   */
  async activity(actor: Actor, key: string, query: ActivityQuery): Promise<ActivityResponse> {
    const room = await this.findReadable(actor, key);
    const page = await this.#store.roomActivity(room.id, query);
    return {
      activity: page.activity.map((a) => ({ user: a.username, action: a.action, ts: new Date(a.at).toISOString(), afterSeq: a.afterSeq })),
      hasMore: page.hasMore,
    };
  }

  /** The members of a room the actor may read. */
  async members(actor: Actor, key: string): Promise<UserRecord[]> {
    const room = await this.findReadable(actor, key);
    return this.#store.listMembers(room.id);
  }

  /**
   * Makes `user` a member (announcing it) unless it is one already. A user at
   * `maxRoomsPerUser` rooms gets `too_many_rooms` instead.
   */
  async #addMember(room: RoomRecord, user: Actor): Promise<void> {
    if (await this.#store.isMember(room.id, user.id)) return;
    await this.#checkRoomCount(user);
    const mark = await this.#store.addMember(room.id, user.id, this.#now());
    if (mark !== undefined) {
      await this.#sink.membershipChanged({ userId: user.id, username: user.username, room, action: 'joined', ...mark });
    }
  }

  async #checkRoomCount(user: Actor): Promise<void> {
    if ((await this.#store.countMemberships(user.id)) >= this.#maxRoomsPerUser) {
      throw new HubError('too_many_rooms', `${user.username} is in ${this.#maxRoomsPerUser} rooms, the most this server allows; leave one first`);
    }
  }

  async #consumeRoomCreation(actor: Actor): Promise<void> {
    const decision = await this.#roomCreation.consume(String(actor.id));
    if (!decision.allowed) {
      throw new RateLimitedError(decision.retryAfterSeconds, `too many new rooms; retry in ${decision.retryAfterSeconds} s`);
    }
  }
}

function summary(room: RoomRecord, member: boolean, readSeq: number, unread: number): RoomSummary {
  return { room: room.key, visibility: room.visibility as RoomVisibility, lastSeq: room.lastSeq, readSeq, unread, member };
}
