// The migration that makes both participants of every direct conversation members again
// (conversations could be left before; now they cannot), on SQLite, PostgreSQL and MySQL
// (MariaDB). A server that is unreachable is skipped loudly (failing under CI).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createTestMysqlDatabase } from '../../../test/support/mysql.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { dmRoomKey } from '../../protocol/names.js';
import { checkMysqlServer, createMysqlDatabase } from '../mysql-dialect.js';
import { openStore } from '../open-store.js';
import { createPostgresDatabase } from '../postgres-dialect.js';
import { createSqliteDatabase } from '../sqlite-dialect.js';
import { dmParticipantsMigration } from './0004-dm-participants.js';
import { schemaDialect, type SchemaDialect } from './schema-dialect.js';

const postgres = await createTestDatabase();
const mysql = await createTestMysqlDatabase();
const sqliteDir = mkdtempSync(join(tmpdir(), 'hubbub-dm-migration-'));

/** A database to migrate: `open` gives the Kysely instance and the dialect its DDL needs. */
interface Target {
  readonly name: string;
  readonly url: string;
  open(): Promise<{ db: Kysely<unknown>; dialect: SchemaDialect }>;
}

const sqliteFile = join(sqliteDir, 'hubbub.db');
const targets: Target[] = [
  { name: 'SQLite', url: sqliteFile, open: async () => ({ db: createSqliteDatabase(sqliteFile) as unknown as Kysely<unknown>, dialect: schemaDialect('sqlite') }) },
];
if (postgres !== undefined) {
  targets.push({
    name: 'PostgreSQL',
    url: postgres.url,
    open: async () => ({ db: createPostgresDatabase(postgres.url) as unknown as Kysely<unknown>, dialect: schemaDialect('postgres') }),
  });
}
if (mysql !== undefined) {
  targets.push({
    name: 'MySQL',
    url: mysql.url,
    open: async () => {
      const db = createMysqlDatabase(mysql.url);
      try {
        // The schema dialect needs the server's name for its binary NO PAD collation.
        const { collation } = await checkMysqlServer(db);
        return { db: db as unknown as Kysely<unknown>, dialect: schemaDialect('mysql', collation) };
      } catch (error) {
        await db.destroy();
        throw error;
      }
    },
  });
}

describe('migration 0004: participants of direct conversations', () => {
  after(async () => {
    rmSync(sqliteDir, { recursive: true, force: true });
    await postgres?.drop();
    await mysql?.drop();
  });
  if (postgres === undefined) it('PostgreSQL', { skip: 'PostgreSQL unreachable' }, () => {});
  if (mysql === undefined) it('MySQL', { skip: 'MySQL unreachable' }, () => {});
  for (const target of targets) {
    it(`makes a participant who had left a member again (${target.name})`, async () => {
      const store = await openStore(target.url);
      const alice = (await store.createUser('Alice', null, 1))!;
      const bob = (await store.createUser('bob', null, 1))!;
      const carol = (await store.createUser('carol', null, 1))!;
      const left = await store.findOrCreateRoom(dmRoomKey('Alice', 'bob'), 'dm', 1);
      const kept = await store.findOrCreateRoom(dmRoomKey('bob', 'carol'), 'dm', 1);
      const ghost = await store.findOrCreateRoom('dm:bob:nobody', 'dm', 1); // a user deleted since
      for (const [room, user] of [[left, alice], [left, bob], [kept, bob], [kept, carol], [ghost, bob]] as const) await store.addMember(room.id, user.id, 1);
      await store.advanceReadSeq(kept.id, carol.id, 0);
      await store.removeMember(left.id, bob.id, 1); // bob left under the old rules
      await store.close();

      const { db, dialect } = await target.open();
      try {
        await dmParticipantsMigration.up(db, dialect);
        await dmParticipantsMigration.up(db, dialect); // idempotent
        const rows = (await sql<{ room_id: number; user_id: number }>`select room_id, user_id from memberships order by room_id, user_id`.execute(db)).rows;
        assert.deepEqual(
          rows.map((r) => [Number(r.room_id), Number(r.user_id)]),
          [
            [left.id, alice.id],
            [left.id, bob.id],
            [kept.id, bob.id],
            [kept.id, carol.id],
            [ghost.id, bob.id],
          ],
        );
      } finally {
        await db.destroy();
      }
    });
  }
});
