/**
 * The persistence interface of the core. The SQL store (SQLite or PostgreSQL, through Kysely)
 * implements it; the core never sees SQL. Times are epoch milliseconds, ids are integers.
 */
import type { Availability } from '../protocol/availability.js';

export type RoomVisibility = 'public' | 'private' | 'dm';

export interface UserRecord {
  readonly id: number;
  /** As the user registered it; lookups are case-insensitive. */
  readonly username: string;
  /** scrypt hash in PHC-like text form; null for users created from an external token. */
  readonly passwordHash: string | null;
  readonly createdAt: number;
  /**
   * The generation the user's access tokens carry (0 for a new user). A token of another
   * generation is refused; `bumpTokenGeneration` raises it, revoking every token signed before.
   */
  readonly tokenGeneration: number;
  /** The availability the user chose (`active` until they choose another). */
  readonly availability: Availability;
  /** When the user last went offline (epoch ms); null until the first time. */
  readonly lastSeenAt: number | null;
}

/** A user's transition to offline, to record as their last-seen time. */
export interface LastSeen {
  readonly userId: number;
  /** Epoch ms. */
  readonly at: number;
}

export interface RoomRecord {
  readonly id: number;
  readonly key: string;
  readonly visibility: RoomVisibility;
  /** The highest `seq` stored in the room (0 when empty). */
  readonly lastSeq: number;
  readonly createdAt: number;
}

/** One of a user's rooms with the user's read position. */
export interface MembershipRecord {
  readonly room: RoomRecord;
  readonly readSeq: number;
}

/** One of a user's rooms as the user's room list shows it. */
export interface RoomListing {
  readonly room: RoomRecord;
  readonly readSeq: number;
  /** Messages after `readSeq` not sent by the user. */
  readonly unread: number;
}

/** What the room directory lists: public rooms, by key, a page at a time. */
export interface DirectoryQuery {
  /** Only rooms whose key contains this, in any letter case (taken literally: no wildcards). */
  readonly q?: string | undefined;
  /** The most rooms to return (a positive integer). */
  readonly limit: number;
  /** Only rooms whose key sorts after this one: the last key of the previous page. */
  readonly after?: string | undefined;
}

/** A public room of the directory with its member count. */
export interface DirectoryEntry {
  readonly room: RoomRecord;
  readonly members: number;
}

export interface StoredMessage {
  readonly roomId: number;
  readonly room: string;
  readonly seq: number;
  readonly senderId: number;
  readonly sender: string;
  readonly text: string;
  readonly createdAt: number;
  readonly clientMsgId: string;
}

/** A message to append; `seq` is assigned by the store. */
export interface NewMessage {
  readonly roomId: number;
  readonly room: string;
  readonly senderId: number;
  readonly sender: string;
  readonly text: string;
  readonly createdAt: number;
  readonly clientMsgId: string;
}

/**
 * The outcome of one append: the stored message, and whether it was stored by this call
 * (`created`) or already existed with the same (room, sender, clientMsgId).
 */
export interface AppendResult {
  readonly message: StoredMessage;
  readonly created: boolean;
}

export interface HistoryQuery {
  /** Messages with seq < before, the newest `limit` of them. */
  readonly before?: number | undefined;
  /** Messages with seq > after, the oldest `limit` of them. */
  readonly after?: number | undefined;
  readonly limit: number;
}

/** A page of history, ascending by `seq`; `hasMore` says whether the page was cut by `limit`. */
export interface HistoryPage {
  readonly messages: StoredMessage[];
  readonly hasMore: boolean;
}

/**
 * A membership change as the store made it: when, and the room's last `seq` at that moment
 * (the change sits after that message in the conversation).
 */
export interface MembershipMark {
  readonly at: number;
  readonly afterSeq: number;
}

/** One recorded join or leave of a room (direct conversations record none). */
export interface RoomActivityRecord {
  readonly username: string;
  readonly action: 'joined' | 'left';
  readonly at: number;
  readonly afterSeq: number;
}

/**
 * A window of a room's activity by `afterSeq`: changes with `after < afterSeq < before` (each
 * bound optional). With `before`, or no bound, the newest `limit` of the window; with `after`
 * alone, the oldest `limit`.
 */
export interface ActivityQuery {
  readonly after?: number | undefined;
  readonly before?: number | undefined;
  readonly limit: number;
}

/** A page of activity in conversation order (`afterSeq`, then as recorded); `hasMore` when cut by `limit`. */
export interface ActivityPage {
  readonly activity: RoomActivityRecord[];
  readonly hasMore: boolean;
}

export interface RefreshTokenRecord {
  readonly id: number;
  /** All tokens of one login share a family; reuse of a rotated token revokes the family. */
  readonly familyId: string;
  readonly userId: number;
  readonly tokenHash: string;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly revokedAt: number | null;
}

export interface UserStore {
  /** Creates a user; returns undefined when the name is taken (case-insensitively). */
  createUser(username: string, passwordHash: string | null, now: number): Promise<UserRecord | undefined>;
  findUserByName(username: string): Promise<UserRecord | undefined>;
  findUserById(id: number): Promise<UserRecord | undefined>;
  /**
   * Users whose name starts with `prefix` in any letter case (taken literally: no wildcards),
   * ordered by lower-cased name, at most `limit` (a positive integer): for autocompletion.
   * One index walk, however many users there are.
   */
  listUsersByPrefix(prefix: string, limit: number): Promise<{ id: number; username: string }[]>;
  /**
   * Raises the user's token generation by one, so that every access token signed before is
   * refused (a disabled account, a changed password); returns the new generation, or undefined
   * for an unknown user.
   */
  bumpTokenGeneration(userId: number): Promise<number | undefined>;
  /** Stores the availability the user chose; false for an unknown user. */
  setAvailability(userId: number, availability: Availability): Promise<boolean>;
  /**
   * Records when users went offline, all in one write; a recorded time never moves back (an
   * entry older than the stored time changes nothing). Unknown users are skipped.
   */
  recordLastSeen(entries: readonly LastSeen[]): Promise<void>;
}

export interface RoomStore {
  findRoom(key: string): Promise<RoomRecord | undefined>;
  /** Creates a room; returns undefined when the key exists. */
  createRoom(key: string, visibility: RoomVisibility, now: number): Promise<RoomRecord | undefined>;
  /** The room with this key, created with `visibility` when it does not exist (race-safe). */
  findOrCreateRoom(key: string, visibility: RoomVisibility, now: number): Promise<RoomRecord>;
  /**
   * Adds a member, and records the join in the room's activity in the same transaction (not
   * for a direct conversation); undefined when already a member. A new member's read
   * position is 0.
   */
  addMember(roomId: number, userId: number, now: number): Promise<MembershipMark | undefined>;
  /**
   * Removes a member, recording the leave like `addMember` records a join; undefined when not
   * a member.
   */
  removeMember(roomId: number, userId: number, now: number): Promise<MembershipMark | undefined>;
  /** A window of the room's recorded joins and leaves (see `ActivityQuery`). */
  roomActivity(roomId: number, query: ActivityQuery): Promise<ActivityPage>;
  isMember(roomId: number, userId: number): Promise<boolean>;
  /** Every room the user is a member of, with the read position. */
  listMemberships(userId: number): Promise<MembershipRecord[]>;
  /** How many rooms the user is a member of. */
  countMemberships(userId: number): Promise<number>;
  /**
   * The user's rooms with read positions and unread counts, by key (what `welcome` and
   * `GET /api/rooms` report): the cost grows with the user's rooms alone.
   */
  listOwnRooms(userId: number): Promise<RoomListing[]>;
  /** The keys of the user's rooms that have at most `maxMembers` members. */
  listSmallRooms(userId: number, maxMembers: number): Promise<string[]>;
  /** The room's members in the order they joined; the first `limit` when given. */
  listMembers(roomId: number, limit?: number): Promise<UserRecord[]>;
  /** Public rooms matching the query, ordered by key, with their member counts. */
  listDirectory(query: DirectoryQuery): Promise<DirectoryEntry[]>;
  /** Users who share a room of at most `maxRoomSize` members with `userId` (not the user). */
  listCoMembers(userId: number, maxRoomSize: number): Promise<{ id: number; username: string }[]>;
  /**
   * Moves the user's read position forward to `seq` (never back); returns the position after
   * the call. The caller checks `seq <= lastSeq`.
   */
  advanceReadSeq(roomId: number, userId: number, seq: number): Promise<number>;
}

/**
 * A store's refusal of a batch because of what a message in it holds (a value the database
 * cannot store, a broken constraint), as opposed to the store being unreachable or failing as
 * a whole. Group commit then splits the batch so that only the messages at fault are refused
 * and their neighbours are stored.
 */
export class ContentRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContentRefusedError';
  }
}

export interface MessageStore {
  /**
   * Appends a batch in one transaction (group commit) and resolves once it is durable. Within a
   * room, messages get consecutive `seq`s in batch order; a (room, sender, clientMsgId) that is
   * already stored, or repeated in the batch, yields the stored message with `created: false`
   * and takes no `seq`. Results are in batch order. Safe when several processes share the
   * database: `seq` stays gapless and unique per room. Nothing of a batch that fails is
   * stored; a failure caused by a message's content rejects with `ContentRefusedError`.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]>;
  history(roomId: number, query: HistoryQuery): Promise<HistoryPage>;
}

export interface TokenStore {
  createRefreshToken(record: Omit<RefreshTokenRecord, 'id' | 'usedAt' | 'revokedAt'>, now: number): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Marks a token used, only if it was unused; false when it was already used (a race lost). */
  markRefreshTokenUsed(id: number, now: number): Promise<boolean>;
  /** Revokes every token of a login. */
  revokeRefreshFamily(familyId: string, now: number): Promise<void>;
}

/** Everything the server keeps durably. */
export interface Store extends UserStore, RoomStore, MessageStore, TokenStore {
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
