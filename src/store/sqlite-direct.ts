/**
 * The append path on one SQLite connection, for the writer thread: the numbering and dedup of
 * `appendInTransaction`, with each step run as one prepared statement per row straight on
 * better-sqlite3, inside a BEGIN IMMEDIATE … COMMIT of its own. In-process, a statement costs
 * a few microseconds; the batch forms (`batchStatements`) cost more to bind and to plan than
 * that, and Kysely's executor more again (connection provider, mutex, plugins): a batch of two
 * messages took 60 µs through them and 15 µs here, against a commit of about 90 µs. The SQL is
 * still Kysely's, compiled once when the thread starts.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AppendResult, NewMessage, StoredMessage } from '../core/store.js';
import type { AppendStatements, LockedRoomRow } from './append-statements.js';
import { appendInTransaction } from './message-append.js';
import { MESSAGE_COLUMNS, toStoredMessage, type MessageRow } from './rows.js';
import type { Database } from './schema.js';
import { identityKey } from './stored-messages.js';

/** Appends batches on `connection`; `build` (a Kysely of the same dialect) writes the SQL. */
export function directSqliteAppender(connection: BetterSqlite3.Database, build: Kysely<Database>): (batch: readonly NewMessage[]) => Promise<AppendResult[]> {
  const statements = rowStatements(connection, build);
  const begin = connection.prepare('BEGIN IMMEDIATE');
  const commit = connection.prepare('COMMIT');
  const rollback = connection.prepare('ROLLBACK');
  return async (batch) => {
    if (batch.length === 0) return [];
    // IMMEDIATE: the write lock before the first read, as `writeTransaction` takes it.
    begin.run();
    try {
      const results = await appendInTransaction(statements, batch);
      commit.run();
      return results;
    } catch (error) {
      // SQLite has already rolled back on some errors (SQLITE_FULL, I/O errors).
      if (connection.inTransaction) rollback.run();
      throw error;
    }
  };
}

/**
 * The append's steps as single-row statements. Their parameters follow the order Kysely
 * compiles them in: the WHERE conditions and the inserted columns as written below.
 */
function rowStatements(connection: BetterSqlite3.Database, build: Kysely<Database>): AppendStatements {
  const prepare = <R>(query: { compile(): { sql: string } }): BetterSqlite3.Statement<unknown[], R> => connection.prepare(query.compile().sql);
  const selectRoom = prepare<LockedRoomRow>(build.selectFrom('rooms').select(['id', 'key', 'last_seq']).where('id', '=', 0));
  const selectMessage = prepare<MessageRow>(
    build
      .selectFrom('messages as m')
      .innerJoin('rooms as r', 'r.id', 'm.room_id')
      .innerJoin('users as u', 'u.id', 'm.sender_id')
      .select(MESSAGE_COLUMNS)
      .where('m.room_id', '=', 0)
      .where('m.sender_id', '=', 0)
      .where('m.client_msg_id', '=', ''),
  );
  const insertMessage = prepare(
    build.insertInto('messages').values({ room_id: 0, seq: 0, sender_id: 0, text: '', created_at: 0, client_msg_id: '' }),
  );
  const updateRoom = prepare(build.updateTable('rooms').set({ last_seq: 0 }).where('id', '=', 0));
  return {
    lockRooms(roomIds) {
      const rows: LockedRoomRow[] = [];
      for (const id of roomIds) {
        const row = selectRoom.get(id);
        if (row !== undefined) rows.push(row);
      }
      return Promise.resolve(rows);
    },
    findStored(identities) {
      const found = new Map<string, StoredMessage>();
      for (const identity of identities) {
        const row = selectMessage.get(identity.roomId, identity.senderId, identity.clientMsgId);
        if (row !== undefined) found.set(identityKey(identity), toStoredMessage(row));
      }
      return Promise.resolve(found);
    },
    insert(messages) {
      for (const m of messages) insertMessage.run(m.roomId, m.seq, m.senderId, m.text, m.createdAt, m.clientMsgId);
      return Promise.resolve();
    },
    recordLastSeqs(rooms) {
      for (const room of rooms) updateRoom.run(room.lastSeq, room.id);
      return Promise.resolve();
    },
  };
}
