/**
 * The SQLite message writer, run in a worker thread. better-sqlite3 is synchronous and every
 * commit syncs the WAL to disk (synchronous=FULL): on the main thread each group commit would
 * stop the event loop for the length of an fsync. Here the fsync happens beside it, and the
 * main thread keeps delivering while the next batch gathers.
 *
 * Same semantics as `message-append.ts` (which PostgreSQL and in-memory SQLite use): one
 * BEGIN IMMEDIATE transaction per batch, consecutive seqs per room, repeats of a stored
 * (room, sender, clientMsgId) answered with the stored message and no new seq.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { AppendResult, NewMessage, StoredMessage } from '../core/store.js';
import { toStoredMessage, type MessageRow } from './rows.js';
import { configureSqlite, type SqliteSync } from './sqlite-pragmas.js';

/** A request from the main thread. */
export interface AppendRequest {
  readonly id: number;
  readonly batch: readonly NewMessage[];
}

/** The answer: results in batch order, or the error's message. */
export type AppendReply = { readonly id: number; readonly results: AppendResult[] } | { readonly id: number; readonly error: string };


const { filename, sync } = workerData as { filename: string; sync: SqliteSync };
const db = new BetterSqlite3(filename);
configureSqlite(db, sync);
// The writer checkpoints the WAL itself (a checkpoint elsewhere cannot keep up with a writer
// that commits every millisecond: the WAL would only grow), little and often: a checkpoint
// stalls the commits behind it, and 200 pages take a few milliseconds where SQLite's default
// 1000 took a few hundred.
db.pragma('wal_autocheckpoint = 200');

const selectRoom = db.prepare<[number], { key: string; last_seq: number }>('SELECT key, last_seq FROM rooms WHERE id = ?');
const selectExisting = db.prepare<[number, number, string], MessageRow>(
  `SELECT m.room_id, r.key, m.seq, m.sender_id, u.username, m.text, m.created_at, m.client_msg_id
     FROM messages m JOIN rooms r ON r.id = m.room_id JOIN users u ON u.id = m.sender_id
    WHERE m.room_id = ? AND m.sender_id = ? AND m.client_msg_id = ?`,
);
const insertMessage = db.prepare(
  'INSERT INTO messages (room_id, seq, sender_id, text, created_at, client_msg_id) VALUES (?, ?, ?, ?, ?, ?)',
);
const updateLastSeq = db.prepare('UPDATE rooms SET last_seq = ? WHERE id = ?');

const append = db.transaction((batch: readonly NewMessage[]): AppendResult[] => {
  const rooms = new Map<number, { key: string; lastSeq: number; dirty: boolean }>();
  const seen = new Map<string, StoredMessage>();
  const results: AppendResult[] = [];
  for (const message of batch) {
    const identity = `${message.roomId}:${message.senderId}:${message.clientMsgId}`;
    const earlier = seen.get(identity) ?? existing(message);
    if (earlier !== undefined) {
      results.push({ message: earlier, created: false });
      continue;
    }
    let room = rooms.get(message.roomId);
    if (room === undefined) {
      const row = selectRoom.get(message.roomId);
      if (row === undefined) throw new Error(`appendMessages: no room with id ${message.roomId}`);
      room = { key: row.key, lastSeq: row.last_seq, dirty: false };
      rooms.set(message.roomId, room);
    }
    room.lastSeq += 1;
    room.dirty = true;
    insertMessage.run(message.roomId, room.lastSeq, message.senderId, message.text, message.createdAt, message.clientMsgId);
    const stored: StoredMessage = {
      roomId: message.roomId,
      room: room.key,
      seq: room.lastSeq,
      senderId: message.senderId,
      sender: message.sender,
      text: message.text,
      createdAt: message.createdAt,
      clientMsgId: message.clientMsgId,
    };
    seen.set(identity, stored);
    results.push({ message: stored, created: true });
  }
  for (const [id, room] of rooms) if (room.dirty) updateLastSeq.run(room.lastSeq, id);
  return results;
});

function existing(message: NewMessage): StoredMessage | undefined {
  const row = selectExisting.get(message.roomId, message.senderId, message.clientMsgId);
  return row === undefined ? undefined : toStoredMessage(row);
}

// Statements prepared, connection configured: the store may hand out work.
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (request: AppendRequest | { close: true }) => {
  if ('close' in request) {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: AppendReply;
  try {
    // IMMEDIATE: take the write lock before reading last_seq, as message-append.ts does.
    reply = { id: request.id, results: append.immediate(request.batch) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
