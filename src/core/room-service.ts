/**
 * Rooms and who may do what in them — the rules shared by the WebSocket commands and the HTTP
 * routes: public rooms are open to all, private rooms and direct conversations to members only.
 */
import type { Message } from '../protocol/events.js';
import type { RoomSummary } from '../protocol/http.js';
import { dmParticipants, dmRoomKey, isDmRoomKey } from '../protocol/names.js';
import { HubError } from './errors.js';
import { toWireMessage } from './frames.js';
import type { HistoryQuery, RoomRecord, RoomVisibility, Store, UserRecord } from './store.js';

/** Who acts: the authenticated user. */
export interface Actor {
  readonly id: number;
  readonly username: string;
}

/** Where membership changes go: the hub applies them locally and tells the other nodes. */
export interface MembershipSink {
  /** `lastSeq`: the room's last seq read before the change (a baseline for new followers). */
  membershipChanged(userId: number, username: string, room: RoomRecord, action: 'joined' | 'left'): Promise<void>;
}

export class RoomService {
  readonly #store: Store;
  readonly #sink: MembershipSink;
  readonly #now: () => number;

  constructor(store: Store, sink: MembershipSink, now: () => number) {
    this.#store = store;
    this.#sink = sink;
    this.#now = now;
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
   * Joins a room: a public room that does not exist is created; a private room or a DM can be
   * joined only by its members (invited) or participants. Returns the room and whether the
   * actor was newly added.
   */
  async join(actor: Actor, key: string): Promise<{ room: RoomRecord; added: boolean }> {
    let room: RoomRecord;
    if (isDmRoomKey(key)) {
      const [a, b] = dmParticipants(key)!;
      const me = actor.username.toLowerCase();
      if (me !== a && me !== b) throw new HubError('forbidden', 'not a participant of this conversation');
      const other = await this.#store.findUserByName(me === a ? b : a);
      if (other === undefined) throw new HubError('not_found', 'no such user');
      room = await this.#store.findOrCreateRoom(key, 'dm', this.#now());
    } else {
      room = await this.#store.findOrCreateRoom(key, 'public', this.#now());
      if (room.visibility === 'private' && !(await this.#store.isMember(room.id, actor.id))) {
        throw new HubError('forbidden', `room ${key} is private: a member must invite you`);
      }
    }
    const added = await this.#store.addMember(room.id, actor.id, this.#now());
    if (added) await this.#sink.membershipChanged(actor.id, actor.username, room, 'joined');
    return { room, added };
  }

  /** Leaves a room; leaving a room one is not in is not an error (it is already done). */
  async leave(actor: Actor, key: string): Promise<void> {
    const room = await this.#store.findRoom(key);
    if (room === undefined) throw new HubError('not_found', `room ${key} does not exist`);
    if (await this.#store.removeMember(room.id, actor.id)) {
      await this.#sink.membershipChanged(actor.id, actor.username, room, 'left');
    }
  }

  /** Creates a room with the actor as its first member. */
  async create(actor: Actor, key: string, visibility: 'public' | 'private'): Promise<RoomSummary> {
    const room = await this.#store.createRoom(key, visibility, this.#now());
    if (room === undefined) throw new HubError('conflict', `room ${key} already exists`);
    await this.#store.addMember(room.id, actor.id, this.#now());
    await this.#sink.membershipChanged(actor.id, actor.username, room, 'joined');
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
    if (await this.#store.addMember(room.id, invitee.id, this.#now())) {
      await this.#sink.membershipChanged(invitee.id, invitee.username, room, 'joined');
    }
  }

  /**
   * The direct conversation between the actor and `username`, created on first use with both
   * as members.
   */
  async openDirect(actor: Actor, username: string): Promise<RoomRecord> {
    const other = await this.#store.findUserByName(username);
    if (other === undefined) throw new HubError('not_found', `no user ${username}`);
    if (other.id === actor.id) throw new HubError('invalid_request', 'a direct message needs another user');
    const key = dmRoomKey(actor.username, other.username);
    const room = await this.#store.findOrCreateRoom(key, 'dm', this.#now());
    for (const member of [actor, other] as const) {
      if (await this.#store.addMember(room.id, member.id, this.#now())) {
        await this.#sink.membershipChanged(member.id, member.username, room, 'joined');
      }
    }
    return room;
  }

  /** Public rooms and the actor's own, with read positions and unread counts. */
  async list(actor: Actor): Promise<RoomSummary[]> {
    const listings = await this.#store.listRoomsForUser(actor.id);
    return listings.map((l) => summary(l.room, l.member, l.readSeq, l.unread));
  }

  async history(actor: Actor, key: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
    const room = await this.findReadable(actor, key);
    const page = await this.#store.history(room.id, query);
    return { messages: page.messages.map(toWireMessage), hasMore: page.hasMore };
  }

  /** The members of a room the actor may read. */
  async members(actor: Actor, key: string): Promise<UserRecord[]> {
    const room = await this.findReadable(actor, key);
    return this.#store.listMembers(room.id);
  }
}

function summary(room: RoomRecord, member: boolean, readSeq: number, unread: number): RoomSummary {
  return { room: room.key, visibility: room.visibility as RoomVisibility, lastSeq: room.lastSeq, readSeq, unread, member };
}
