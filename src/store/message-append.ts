/** `appendMessages`: the hot path, one transaction per batch (group commit). */
import type { Kysely } from 'kysely';
import type { AppendResult, NewMessage, StoredMessage } from '../core/store.js';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import { MAX_PARAMETERS, chunks } from './chunks.js';
import { findStoredMessages, identityKey } from './stored-messages.js';
import { writeTransaction } from './write-transaction.js';

/** Bound parameters per inserted message: room_id, seq, sender_id, text, created_at, client_msg_id. */
const MESSAGE_PARAMETERS = 6;

/**
 * Stores a batch in one transaction and resolves when it is committed. A fixed number of
 * statements whatever the batch size: lock the batch's rooms, look up the batch's identities,
 * insert the new messages (multi-row, chunked under the parameter limit), move the rooms'
 * `last_seq`. Results are in batch order; see `MessageStore.appendMessages`.
 */
export async function appendMessages(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  batch: readonly NewMessage[],
): Promise<AppendResult[]> {
  if (batch.length === 0) return [];
  return writeTransaction(db, dialect, async (trx) => {
    const roomIds = [...new Set(batch.map((message) => message.roomId))].sort((a, b) => a - b);
    const rooms = await lockRooms(trx, dialect, roomIds);
    // Read after the lock: a concurrent batch with the same clientMsgId has committed by now,
    // and READ COMMITTED shows its rows to this statement.
    const stored = await findStoredMessages(trx, dialect, uniqueIdentities(batch));

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
      const created: StoredMessage = { ...pickMessage(message), room: room.key, seq: room.lastSeq };
      // A repeat later in the same batch finds this one, as a retry in a later batch would.
      stored.set(key, created);
      fresh.push(created);
      results.push({ message: created, created: true });
    }

    if (fresh.length > 0) {
      for (const slice of chunks(fresh, MAX_PARAMETERS[dialect] / MESSAGE_PARAMETERS)) {
        await trx
          .insertInto('messages')
          .values(
            slice.map((message) => ({
              room_id: message.roomId,
              seq: message.seq,
              sender_id: message.senderId,
              text: message.text,
              created_at: message.createdAt,
              client_msg_id: message.clientMsgId,
            })),
          )
          .execute();
      }
      await recordLastSeqs(trx, [...new Set(fresh.map((message) => message.roomId))]);
    }
    return results;
  });
}

/** A room being appended to, with the seq counter this batch advances. */
interface LockedRoom {
  readonly key: string;
  lastSeq: number;
}

/**
 * Reads the rooms' `last_seq` (`roomIds` ascending), locked until commit. PostgreSQL: SELECT … FOR UPDATE, in id
 * order so that two batches sharing rooms lock them in the same order and cannot deadlock;
 * a concurrent appender to the same room waits here, then reads the seq it left. SQLite: the
 * BEGIN IMMEDIATE of `writeTransaction` already holds the only write lock.
 */
async function lockRooms(db: Kysely<Database>, dialect: SqlDialectName, roomIds: readonly number[]): Promise<Map<number, LockedRoom>> {
  const rooms = new Map<number, LockedRoom>();
  for (const slice of chunks(roomIds, MAX_PARAMETERS[dialect])) {
    let select = db.selectFrom('rooms').select(['id', 'key', 'last_seq']).where('id', 'in', slice).orderBy('id');
    if (dialect === 'postgres') select = select.forUpdate();
    for (const row of await select.execute()) rooms.set(row.id, { key: row.key, lastSeq: row.last_seq });
  }
  const missing = roomIds.filter((id) => !rooms.has(id));
  if (missing.length > 0) throw new Error(`appendMessages: no room with id ${missing.join(', ')}`);
  return rooms;
}

/**
 * Sets each room's `last_seq` to its highest stored seq: one statement for any number of
 * rooms, each max() one step down the (room_id, seq) key.
 */
async function recordLastSeqs(db: Kysely<Database>, roomIds: readonly number[]): Promise<void> {
  // The smaller of the two limits: not worth a dialect switch for batches this large.
  for (const slice of chunks(roomIds, MAX_PARAMETERS.sqlite)) {
    await db
      .updateTable('rooms')
      .set((eb) => ({
        last_seq: eb
          .selectFrom('messages')
          .select((sub) => sub.fn.max('messages.seq').as('max_seq'))
          .whereRef('messages.room_id', '=', 'rooms.id'),
      }))
      .where('id', 'in', slice)
      .execute();
  }
}

/** The batch's distinct identities, so that repeats do not cost parameters. */
function uniqueIdentities(batch: readonly NewMessage[]): NewMessage[] {
  const seen = new Map<string, NewMessage>();
  for (const message of batch) if (!seen.has(identityKey(message))) seen.set(identityKey(message), message);
  return [...seen.values()];
}

/** The fields of a new message that are stored as given. */
function pickMessage(message: NewMessage): Omit<StoredMessage, 'room' | 'seq'> {
  return {
    roomId: message.roomId,
    senderId: message.senderId,
    sender: message.sender,
    text: message.text,
    createdAt: message.createdAt,
    clientMsgId: message.clientMsgId,
  };
}
