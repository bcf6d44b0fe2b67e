// The migration that makes both participants of every direct conversation members again
// (conversations could be left before; now they cannot), on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { dmRoomKey } from '../../protocol/names.js';
import { openStore } from '../open-store.js';
import { createPostgresDatabase } from '../postgres-dialect.js';
import { createSqliteDatabase } from '../sqlite-dialect.js';
import { dmParticipantsMigration } from './0004-dm-participants.js';
import { schemaDialect } from './schema-dialect.js';

const postgres = await createTestDatabase();
const sqliteDir = mkdtempSync(join(tmpdir(), 'hubbub-dm-migration-'));

const targets = [
  { name: 'SQLite', dialect: 'sqlite' as const, url: join(sqliteDir, 'hubbub.db'), open: (url: string) => createSqliteDatabase(url) },
  ...(postgres === undefined ? [] : [{ name: 'PostgreSQL', dialect: 'postgres' as const, url: postgres.url, open: (url: string) => createPostgresDatabase(url) }]),
];

describe('migration 0004: participants of direct conversations', () => {
  after(async () => {
    rmSync(sqliteDir, { recursive: true, force: true });
    await postgres?.drop();
  });
  if (postgres === undefined) it('PostgreSQL', { skip: 'PostgreSQL unreachable' }, () => {});
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
      await store.removeMember(left.id, bob.id); // bob left under the old rules
      await store.close();

      const db = target.open(target.url) as unknown as Kysely<unknown>;
      try {
        await dmParticipantsMigration.up(db, schemaDialect(target.dialect));
        await dmParticipantsMigration.up(db, schemaDialect(target.dialect)); // idempotent
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
