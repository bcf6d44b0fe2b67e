// SQLite specifics the conformance suite cannot see: pragmas, the file's folder, durability
// across a reopen, and how a failed migration is reported.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { openStore } from './open-store.js';
import { createSqliteDatabase } from './sqlite-dialect.js';

describe('SQLite setup', () => {
  const dirs: string[] = [];
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'hubbub-sqlite-'));
    dirs.push(dir);
    return dir;
  }
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('creates the folder and opens the file in WAL mode', async () => {
    const filename = join(await tempDir(), 'a', 'b', 'hubbub.db');
    const db = createSqliteDatabase(filename);
    try {
      assert.ok(existsSync(filename));
      const value = async (query: RawBuilder<Record<string, unknown>>) => Object.values((await query.execute(db)).rows[0] ?? {})[0];
      assert.equal(await value(sql`pragma journal_mode`), 'wal');
      // NORMAL here: messages are committed (FULL) by the writer thread, whose synced commits
      // carry this connection's writes to disk with them (one WAL).
      assert.equal(await value(sql`pragma synchronous`), 1);
      assert.equal(await value(sql`pragma foreign_keys`), 1);
      assert.equal(await value(sql`pragma busy_timeout`), 5000);
      // MEMORY: statement journals of multi-row writes stay out of temporary files.
      assert.equal(await value(sql`pragma temp_store`), 2);
    } finally {
      await db.destroy();
    }
  });

  it('creates the database, its -wal and -shm files and its folders for the owner alone', async () => {
    // The database holds password hashes: not for other local users to read.
    const dir = await tempDir();
    const filename = join(dir, 'a', 'b', 'hubbub.db');
    const store = await openStore(`sqlite:${filename}`);
    try {
      const user = await store.createUser('Private', 'scrypt$hash', 1);
      const room = await store.createRoom('private-room', 'private', 2);
      await store.appendMessages([{ roomId: room!.id, room: 'private-room', senderId: user!.id, sender: 'Private', text: 'hi', createdAt: 3, clientMsgId: 'c1' }]);
      const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
      assert.deepEqual(
        [filename, `${filename}-wal`, `${filename}-shm`, join(dir, 'a'), join(dir, 'a', 'b')].map(mode),
        ['600', '600', '600', '700', '700'],
      );
    } finally {
      await store.close();
    }
  });

  it('keeps what it stored across close and reopen', async () => {
    const url = `sqlite:${join(await tempDir(), 'hubbub.db')}`;
    const first = await openStore(url);
    const user = await first.createUser('Persistent', null, 1);
    const room = await first.createRoom('kept', 'public', 2);
    await first.appendMessages([{ roomId: room!.id, room: 'kept', senderId: user!.id, sender: 'Persistent', text: 'hi', createdAt: 3, clientMsgId: 'c1' }]);
    await first.close();

    const second = await openStore(url);
    try {
      assert.deepEqual(await second.migrate(), { applied: [] });
      assert.equal((await second.findUserByName('persistent'))?.id, user!.id);
      assert.equal((await second.history(room!.id, { limit: 5 })).messages[0]?.text, 'hi');
    } finally {
      await second.close();
    }
  });

  it('rejects with the failing migration’s name and rolls its tables back', async () => {
    const filename = join(await tempDir(), 'broken.db');
    const raw = new BetterSqlite3(filename);
    raw.exec('create table refresh_tokens (x integer)'); // in the way of 0001-initial's last table
    raw.close();
    await assert.rejects(openStore(filename), /database migration 0001-initial failed: .*refresh_tokens/);
    const check = new BetterSqlite3(filename);
    try {
      const tables = check.prepare("select name from sqlite_master where type = 'table' and name = 'users'").all();
      assert.deepEqual(tables, []);
    } finally {
      check.close();
    }
  });

  it('leaves the schema alone when asked not to migrate', async () => {
    const filename = join(await tempDir(), 'bare.db');
    const store = await openStore(filename, { migrate: false });
    try {
      await store.ping();
      await assert.rejects(store.findUserById(1), /no such table/);
    } finally {
      await store.close();
    }
  });
});
