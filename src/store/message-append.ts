/** `appendMessages`: the hot path, one transaction per batch (group commit). */
import type { Kysely } from 'kysely';
import type { AppendStatements, LockedRoomRow } from './append-statements.js';
import type { AppendResult, NewMessage, StoredMessage } from '../core/store.js';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import { MAX_PARAMETERS, chunks, paddedChunks, powerOfTwoChunks } from './chunks.js';
import { QueryTemplates } from './query-templates.js';
import { findStoredMessages, identityKey } from './stored-messages.js';
import { writeTransaction } from './write-transaction.js';

/** Bound parameters per inserted message: room_id, seq, sender_id, text, created_at, client_msg_id. */
const MESSAGE_PARAMETERS = 6;

/**
 * Rows per batch statement. Lists that may repeat a value (rooms to lock, seqs to record) are
 * padded to a power of two; inserted messages are split into power-of-two slices on SQLite (in
 * memory: a file's writer thread runs its own statements), where one statement more costs
 * microseconds, and sent in one statement to PostgreSQL and MySQL, where it costs a round trip. Either
 * way the statements take few shapes (see `paddedChunks`).
 */
const LOCK_ROOMS_PER_STATEMENT = 1024;
const INSERTS_PER_SQLITE_STATEMENT = 128;
/**
 * MySQL takes a statement in one packet of at most `max_allowed_packet` bytes (16 MiB by
 * default on MariaDB): 500 messages of the longest text (4000 characters of 4 bytes) fit.
 */
const INSERTS_PER_MYSQL_STATEMENT = 500;
const RECORDS_PER_STATEMENT = 512;

/** The append path's statements, compiled once per dialect and size (see `QueryTemplates`). */
const templates = new QueryTemplates();

/**
 * Stores a batch in one transaction and resolves when it is committed: `appendInTransaction`
 * in a write transaction of `db`.
 */
export async function appendMessages(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  batch: readonly NewMessage[],
): Promise<AppendResult[]> {
  if (batch.length === 0) return [];
  return writeTransaction(db, dialect, (trx) => appendInTransaction(batchStatements(trx, dialect), batch));
}

/**
 * Stores a batch in the caller's write transaction. This is the only code that writes
 * messages or hands out seqs, on every dialect (a SQLite file's writer thread runs it too, with
 * its own statements: see `AppendStatements`): lock the batch's rooms, look up the batch's
 * identities, number and insert the new messages, store the rooms' new `last_seq`. Results are
 * in batch order; see `MessageStore.appendMessages`.
 */
export async function appendInTransaction(statements: AppendStatements, batch: readonly NewMessage[]): Promise<AppendResult[]> {
  const roomIds = [...new Set(batch.map((message) => message.roomId))].sort((a, b) => a - b);
  const rooms = new Map<number, LockedRoom>();
  for (const row of await statements.lockRooms(roomIds)) rooms.set(row.id, { key: row.key, lastSeq: row.last_seq, advanced: false });
  const missing = roomIds.filter((id) => !rooms.has(id));
  if (missing.length > 0) throw new Error(`appendMessages: no room with id ${missing.join(', ')}`);
  // Read after the lock: a concurrent batch with the same clientMsgId has committed by now,
  // and READ COMMITTED shows its rows to this statement.
  const stored = await statements.findStored(uniqueIdentities(batch));

  const results: AppendResult[] = [];
  const fresh: StoredMessage[] = [];
  for (const message of batch) {
    const key = identityKey(message);
    const earlier = stored.get(key);
    if (earlier) {
      results.push({ message: earlier, created: false });
      continue;
    }
    const room = rooms.get(message.roomId)!;
    room.lastSeq += 1;
    room.advanced = true;
    const created = storedMessage(message, room.key, room.lastSeq);
    // A repeat later in the same batch finds this one, as a retry in a later batch would.
    stored.set(key, created);
    fresh.push(created);
    results.push({ message: created, created: true });
  }

  if (fresh.length > 0) {
    await statements.insert(fresh);
    const advanced: { id: number; lastSeq: number }[] = [];
    for (const [id, room] of rooms) if (room.advanced) advanced.push({ id, lastSeq: room.lastSeq });
    await statements.recordLastSeqs(advanced);
  }
  return results;
}

/**
 * The append's statements through Kysely, each over the whole batch: a fixed number of
 * statements whatever the batch size, which is what PostgreSQL wants (a statement is a round
 * trip). In-memory SQLite uses them too.
 */
export function batchStatements(db: Kysely<Database>, dialect: SqlDialectName): AppendStatements {
  return {
    lockRooms: (roomIds) => lockRooms(db, dialect, roomIds),
    findStored: (identities) => findStoredMessages(db, dialect, identities),
    insert: (messages) => insertMessages(db, dialect, messages),
    recordLastSeqs: (rooms) => recordLastSeqs(db, dialect, rooms),
  };
}

/** A room being appended to, with the seq counter this batch advances. */
interface LockedRoom {
  readonly key: string;
  lastSeq: number;
  /** Whether the batch gave the room a new message. */
  advanced: boolean;
}

/**
 * Reads the rooms' `last_seq` (`roomIds` ascending), locked until commit. PostgreSQL and
 * MySQL: SELECT … FOR UPDATE, in id order so that two batches sharing rooms lock them in the
 * same order and cannot deadlock;
 * a concurrent appender to the same room waits here, then reads the seq it left. SQLite: the
 * BEGIN IMMEDIATE of `writeTransaction` already holds the only write lock.
 */
async function lockRooms(db: Kysely<Database>, dialect: SqlDialectName, roomIds: readonly number[]): Promise<LockedRoomRow[]> {
  const rows: LockedRoomRow[] = [];
  for (const slice of paddedChunks(roomIds, LOCK_ROOMS_PER_STATEMENT)) {
    const query = templates.bind(`lock-rooms:${dialect}:${slice.length}`, slice, (value) => {
      const select = db
        .selectFrom('rooms')
        .select(['id', 'key', 'last_seq'])
        .where('id', 'in', slice.map((_, i) => value(i)))
        .orderBy('id');
      return dialect === 'sqlite' ? select : select.forUpdate();
    });
    rows.push(...(await db.executeQuery(query)).rows);
  }
  return rows;
}

/** Inserts the batch's new messages: multi-row, chunked under the parameter limit. */
async function insertMessages(db: Kysely<Database>, dialect: SqlDialectName, fresh: readonly StoredMessage[]): Promise<void> {
  const slices =
    dialect === 'sqlite'
      ? powerOfTwoChunks(fresh, INSERTS_PER_SQLITE_STATEMENT)
      : chunks(fresh, dialect === 'mysql' ? INSERTS_PER_MYSQL_STATEMENT : MAX_PARAMETERS.postgres / MESSAGE_PARAMETERS);
  for (const slice of slices) {
    const values = slice.flatMap((m) => [m.roomId, m.seq, m.senderId, m.text, m.createdAt, m.clientMsgId]);
    const query = templates.bind(`insert-messages:${dialect}:${slice.length}`, values, (value) =>
      db.insertInto('messages').values(
        slice.map((_, row) => {
          const at = row * MESSAGE_PARAMETERS;
          return {
            room_id: value(at),
            seq: value(at + 1),
            sender_id: value(at + 2),
            text: value(at + 3),
            created_at: value(at + 4),
            client_msg_id: value(at + 5),
          };
        }),
      ),
    );
    await db.executeQuery(query);
  }
}

/**
 * Stores the counters the batch advanced as the rooms' `last_seq`: one statement for any
 * number of rooms. The rooms are locked (row locks on PostgreSQL, the write lock on SQLite),
 * so each counter is the room's true highest seq; nothing needs re-reading.
 */
async function recordLastSeqs(db: Kysely<Database>, dialect: SqlDialectName, advanced: readonly { readonly id: number; readonly lastSeq: number }[]): Promise<void> {
  // Two values per room: its id and its seq (the id is bound twice, in CASE and in IN).
  for (const slice of paddedChunks(advanced, RECORDS_PER_STATEMENT)) {
    const values = slice.flatMap((room) => [room.id, room.lastSeq]);
    const query = templates.bind(`record-last-seqs:${dialect}:${slice.length}`, values, (value) =>
      db
        .updateTable('rooms')
        // ELSE keeps the column's type for PostgreSQL, which would otherwise read the
        // parameters of THEN as text; no row reaches it (the IN list holds the same ids).
        .set((eb) => {
          let seqOf = eb.case('id').when(value(0)).then(value(1) as number);
          for (let i = 1; i < slice.length; i++) seqOf = seqOf.when(value(2 * i)).then(value(2 * i + 1) as number);
          return { last_seq: seqOf.else(eb.ref('last_seq')).end() };
        })
        .where('id', 'in', slice.map((_, i) => value(2 * i))),
    );
    await db.executeQuery(query);
  }
}

/** The batch's distinct identities, so that repeats do not cost parameters. */
function uniqueIdentities(batch: readonly NewMessage[]): NewMessage[] {
  const seen = new Map<string, NewMessage>();
  for (const message of batch) if (!seen.has(identityKey(message))) seen.set(identityKey(message), message);
  return [...seen.values()];
}

/**
 * The message as stored. Spelled out field by field: V8 builds an object literal of known
 * shape in a few nanoseconds, where spreading the new message into one took microseconds, which
 * added up to a tenth of a batch's time.
 */
function storedMessage(message: NewMessage, room: string, seq: number): StoredMessage {
  return {
    roomId: message.roomId,
    room,
    seq,
    senderId: message.senderId,
    sender: message.sender,
    text: message.text,
    createdAt: message.createdAt,
    clientMsgId: message.clientMsgId,
  };
}
