// Migration 0006 (room_activity) on SQLite, PostgreSQL and MySQL (MariaDB): it undoes and
// redoes cleanly, and running it again over itself (MySQL commits each DDL statement alone, so a
// run cut short is run again) changes nothing. An unreachable server is skipped loudly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createTestMysqlDatabase } from '../../../test/support/mysql.js';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { checkMysqlServer, createMysqlDatabase } from '../mysql-dialect.js';
import { openStore } from '../open-store.js';
import { createPostgresDatabase } from '../postgres-dialect.js';
import { createSqliteDatabase } from '../sqlite-dialect.js';
import { roomActivityMigration } from './0006-room-activity.js';
import { schemaDialect, type SchemaDialect } from './schema-dialect.js';

const postgres = await createTestDatabase();
const mysql = await createTestMysqlDatabase();
const sqliteDir = mkdtempSync(join(tmpdir(), 'hubbub-activity-migration-'));
const sqliteFile = join(sqliteDir, 'hubbub.db');

const targets: { name: string; url: string; open(): Promise<{ db: Kysely<unknown>; dialect: SchemaDialect }> }[] = [
  { name: 'SQLite', url: sqliteFile, open: async () => ({ db: createSqliteDatabase(sqliteFile) as unknown as Kysely<unknown>, dialect: schemaDialect('sqlite') }) },
];
if (postgres !== undefined) {
  targets.push({ name: 'PostgreSQL', url: postgres.url, open: async () => ({ db: createPostgresDatabase(postgres.url) as unknown as Kysely<unknown>, dialect: schemaDialect('postgres') }) });
}
if (mysql !== undefined) {
  targets.push({
    name: 'MySQL',
    url: mysql.url,
    open: async () => {
      const db = createMysqlDatabase(mysql.url);
      const { collation } = await checkMysqlServer(db);
      return { db: db as unknown as Kysely<unknown>, dialect: schemaDialect('mysql', collation) };
    },
  });
}

describe('migration 0006: room activity', () => {
  after(async () => {
    rmSync(sqliteDir, { recursive: true, force: true });
    await postgres?.drop();
    await mysql?.drop();
  });
  if (postgres === undefined) it('PostgreSQL', { skip: 'PostgreSQL unreachable' }, () => {});
  if (mysql === undefined) it('MySQL', { skip: 'MySQL unreachable' }, () => {});
  for (const target of targets) {
    it(`runs again over itself, and undoes and redoes cleanly (${target.name})`, async () => {
      const store = await openStore(target.url);
      const alice = (await store.createUser('alice', null, 1))!;
      const room = (await store.createRoom('lobby', 'public', 1))!;
      await store.addMember(room.id, alice.id, 5);
      await store.close();

      const { db, dialect } = await target.open();
      try {
        await roomActivityMigration.up(db, dialect);
        const count = async (): Promise<number> => Number((await sql<{ n: number }>`select count(*) as n from room_activity`.execute(db)).rows[0]!.n);
        assert.equal(await count(), 1, 'the recorded join survives a second run');
        await roomActivityMigration.down(db, dialect);
        await roomActivityMigration.up(db, dialect);
        assert.equal(await count(), 0);
      } finally {
        await db.destroy();
      }
    });
  }
});
