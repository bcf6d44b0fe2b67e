/** The statements an append runs inside its transaction, behind the one numbering algorithm. */
import type { StoredMessage } from '../core/store.js';
import type { MessageIdentity } from './stored-messages.js';

/** A room as the append locks and reads it. */
export interface LockedRoomRow {
  readonly id: number;
  readonly key: string;
  readonly last_seq: number;
}

/**
 * What `appendInTransaction` asks of the database, inside the caller's write transaction.
 * Two implementations: through Kysely, each statement over the whole batch (`batchStatements`,
 * for PostgreSQL, where a statement costs a round trip), and on a SQLite connection directly,
 * one prepared statement per row (`sqlite-direct.ts`, for the writer thread, where a statement
 * costs microseconds and building a batch form cost more than running it).
 */
export interface AppendStatements {
  /** Reads the rooms' key and last_seq, locking their rows where the database needs it. */
  lockRooms(roomIds: readonly number[]): Promise<readonly LockedRoomRow[]>;
  /** The stored messages among `identities` (distinct), by `identityKey`. */
  findStored(identities: readonly MessageIdentity[]): Promise<Map<string, StoredMessage>>;
  /** Inserts messages numbered by the caller. */
  insert(messages: readonly StoredMessage[]): Promise<void>;
  /** Stores each room's new last_seq. */
  recordLastSeqs(rooms: readonly { readonly id: number; readonly lastSeq: number }[]): Promise<void>;
}
