/** The `Store` on SQL: SQLite, PostgreSQL or MySQL / MariaDB through Kysely. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type {
  ActivityPage,
  ActivityQuery,
  AppendResult,
  DirectoryEntry,
  DirectoryQuery,
  HistoryPage,
  HistoryQuery,
  MembershipMark,
  LastSeen,
  MembershipRecord,
  NewMessage,
  RefreshTokenRecord,
  RoomListing,
  RoomRecord,
  RoomVisibility,
  Store,
  UserRecord,
} from '../core/store.js';
import type { Availability } from '../protocol/availability.js';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import type { MigrationReport } from './run-migrations.js';
import type { NewRefreshToken } from './token-queries.js';
import { runMigrations } from './run-migrations.js';
import * as users from './user-queries.js';
import * as rooms from './room-queries.js';
import * as memberships from './membership-queries.js';
import { listOwnRooms } from './room-listing.js';
import { listDirectory } from './room-directory.js';
import { listUsersByPrefix } from './user-search.js';
import { appendMessages } from './message-append.js';
import { rethrowAppendError } from './append-errors.js';
import { SqliteAppender } from './sqlite-appender.js';
import type { SqliteSync } from './sqlite-pragmas.js';
import { schemaDialect, type SchemaDialect } from './migrations/schema-dialect.js';
import { retryingLockConflicts } from './mysql-errors.js';
import { history } from './message-history.js';
import { roomActivity } from './activity-queries.js';
import * as tokens from './token-queries.js';

/**
 * The SQL implementation of `Store`. It owns its Kysely instance (and so the connection
 * pool): `close()` ends it. Open one with `openStore`; the queries live in one module per
 * concern, this class only binds them to the database.
 */
export class SqlStore implements Store {
  /** Which SQL dialect the database speaks. */
  readonly dialect: SqlDialectName;
  readonly #db: Kysely<Database>;
  /** A file-based SQLite database's path: appends then go through the writer thread. */
  readonly #sqliteFile: string | undefined;
  #appender: SqliteAppender | undefined;

  readonly #sqliteSync: SqliteSync;
  /** How the migrations spell the schema on this database. */
  readonly #schema: SchemaDialect;

  constructor(
    db: Kysely<Database>,
    dialect: SqlDialectName,
    options: { sqliteFile?: string | undefined; sqliteSync?: SqliteSync; schema?: SchemaDialect } = {},
  ) {
    this.#db = db;
    this.dialect = dialect;
    this.#sqliteFile = options.sqliteFile;
    this.#sqliteSync = options.sqliteSync ?? 'full';
    this.#schema = options.schema ?? schemaDialect(dialect);
  }

  /** Applies pending migrations; `applied` is empty when the schema was up to date. */
  migrate(): Promise<MigrationReport> {
    return runMigrations(this.#db, this.#schema);
  }

  /**
   * A write that is safe to run again (one statement, or an insert then a read). On MySQL one
   * that lost a lock race (InnoDB takes locks for foreign-key and unique checks too, and can
   * pick any statement as a deadlock's victim) runs again rather than failing; the other
   * dialects never report such a race.
   */
  #write<T>(work: () => Promise<T>): Promise<T> {
    return this.dialect === 'mysql' ? retryingLockConflicts(work) : work();
  }

  createUser(username: string, passwordHash: string | null, now: number): Promise<UserRecord | undefined> {
    return this.#write(() => users.createUser(this.#db, this.dialect, username, passwordHash, now));
  }

  findUserByName(username: string): Promise<UserRecord | undefined> {
    return users.findUserByName(this.#db, username);
  }

  findUserById(id: number): Promise<UserRecord | undefined> {
    return users.findUserById(this.#db, id);
  }

  listUsersByPrefix(prefix: string, limit: number): Promise<{ id: number; username: string }[]> {
    return listUsersByPrefix(this.#db, this.dialect, prefix, limit);
  }

  bumpTokenGeneration(userId: number): Promise<number | undefined> {
    return users.bumpTokenGeneration(this.#db, this.dialect, userId);
  }

  setAvailability(userId: number, availability: Availability): Promise<boolean> {
    return this.#write(() => users.setAvailability(this.#db, userId, availability));
  }

  recordLastSeen(entries: readonly LastSeen[]): Promise<void> {
    return users.recordLastSeen(this.#db, this.dialect, entries);
  }

  findRoom(key: string): Promise<RoomRecord | undefined> {
    return rooms.findRoom(this.#db, key);
  }

  createRoom(key: string, visibility: RoomVisibility, now: number): Promise<RoomRecord | undefined> {
    return this.#write(() => rooms.createRoom(this.#db, this.dialect, key, visibility, now));
  }

  findOrCreateRoom(key: string, visibility: RoomVisibility, now: number): Promise<RoomRecord> {
    return this.#write(() => rooms.findOrCreateRoom(this.#db, this.dialect, key, visibility, now));
  }

  // A transaction of their own (which on MySQL runs again after a lost lock race): the change
  // and its activity row are written together.
  addMember(roomId: number, userId: number, now: number): Promise<MembershipMark | undefined> {
    return memberships.addMember(this.#db, this.dialect, roomId, userId, now);
  }

  removeMember(roomId: number, userId: number, now: number): Promise<MembershipMark | undefined> {
    return memberships.removeMember(this.#db, this.dialect, roomId, userId, now);
  }

  roomActivity(roomId: number, query: ActivityQuery): Promise<ActivityPage> {
    return roomActivity(this.#db, roomId, query);
  }

  isMember(roomId: number, userId: number): Promise<boolean> {
    return memberships.isMember(this.#db, roomId, userId);
  }

  listMemberships(userId: number): Promise<MembershipRecord[]> {
    return memberships.listMemberships(this.#db, userId);
  }

  countMemberships(userId: number): Promise<number> {
    return memberships.countMemberships(this.#db, userId);
  }

  listOwnRooms(userId: number): Promise<RoomListing[]> {
    return listOwnRooms(this.#db, userId);
  }

  listSmallRooms(userId: number, maxMembers: number): Promise<string[]> {
    return memberships.listSmallRooms(this.#db, userId, maxMembers);
  }

  listMembers(roomId: number, limit?: number): Promise<UserRecord[]> {
    return memberships.listMembers(this.#db, roomId, limit);
  }

  listDirectory(query: DirectoryQuery): Promise<DirectoryEntry[]> {
    return listDirectory(this.#db, query);
  }

  listCoMembers(userId: number, maxRoomSize: number): Promise<{ id: number; username: string }[]> {
    return memberships.listCoMembers(this.#db, userId, maxRoomSize);
  }

  advanceReadSeq(roomId: number, userId: number, seq: number): Promise<number> {
    return memberships.advanceReadSeq(this.#db, this.dialect, roomId, userId, seq);
  }

  /**
   * `appendMessages` of message-append.ts, the one append path: here, or for a SQLite file in
   * the writer thread (which runs the same function on its own connection).
   */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    const appended =
      this.#sqliteFile === undefined
        ? appendMessages(this.#db, this.dialect, batch)
        : batch.length === 0
          ? Promise.resolve([])
          : this.#writer().append(batch);
    return appended.catch(rethrowAppendError);
  }

  /**
   * Starts SQLite's writer thread now rather than on the first send (which would then wait for
   * a thread to boot).
   */
  async startWriter(): Promise<void> {
    if (this.#sqliteFile !== undefined) await this.#writer().ready;
  }

  #writer(): SqliteAppender {
    this.#appender ??= new SqliteAppender(this.#sqliteFile!, this.#sqliteSync);
    return this.#appender;
  }

  history(roomId: number, query: HistoryQuery): Promise<HistoryPage> {
    return history(this.#db, roomId, query);
  }

  createRefreshToken(record: NewRefreshToken, now: number): Promise<void> {
    return this.#write(() => tokens.createRefreshToken(this.#db, record, now));
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return tokens.findRefreshToken(this.#db, tokenHash);
  }

  markRefreshTokenUsed(id: number, now: number): Promise<boolean> {
    return this.#write(() => tokens.markRefreshTokenUsed(this.#db, id, now));
  }

  revokeRefreshFamily(familyId: string, now: number): Promise<void> {
    return this.#write(() => tokens.revokeRefreshFamily(this.#db, familyId, now));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  /** Closes the database (every pooled connection); the store is unusable afterwards. */
  async close(): Promise<void> {
    await this.#appender?.close();
    await this.#db.destroy();
  }
}
