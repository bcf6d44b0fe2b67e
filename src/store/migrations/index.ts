/**
 * The store's migrations, listed in code rather than read from this folder, so the build and
 * the bundled server do not depend on the folder's layout.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';
import type { SchemaDialect } from './schema-dialect.js';
import { initialMigration } from './0001-initial.js';
import { tokenGenerationMigration } from './0002-token-generation.js';
import { publicRoomDirectoryMigration } from './0003-public-room-directory.js';
import { dmParticipantsMigration } from './0004-dm-participants.js';
import { usernamePrefixIndexMigration } from './0005-username-prefix-index.js';
import { roomActivityMigration } from './0006-room-activity.js';
import { userPresenceMigration } from './0007-user-presence.js';

/** The database handle Kysely gives a migration (typed `Kysely<any>` by Kysely). */
type MigrationDb = Parameters<Migration['up']>[0];

/** Every migration by name; names sort in the order they must run. Append, never edit. */
const MIGRATIONS: Readonly<Record<string, DialectMigration>> = {
  '0001-initial': initialMigration,
  '0002-token-generation': tokenGenerationMigration,
  '0003-public-room-directory': publicRoomDirectoryMigration,
  '0004-dm-participants': dmParticipantsMigration,
  '0005-username-prefix-index': usernamePrefixIndexMigration,
  '0006-room-activity': roomActivityMigration,
  '0007-user-presence': userPresenceMigration,
};

/** The migrations as Kysely's `Migrator` takes them, bound to one dialect. */
export function migrationProvider(dialect: SchemaDialect): MigrationProvider {
  const bound: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    bound[name] = {
      up: (db) => inTransactionOnSqlite(dialect, db, (trx) => migration.up(trx, dialect)),
      down: (db) => inTransactionOnSqlite(dialect, db, (trx) => migration.down(trx, dialect)),
    };
  }
  return { getMigrations: () => Promise.resolve(bound) };
}

/**
 * Kysely runs PostgreSQL migrations in a transaction but not SQLite ones (it reports no
 * transactional DDL there, though SQLite has it); one transaction per migration keeps a
 * failed migration from leaving half a schema behind. MySQL commits each DDL statement by
 * itself, whatever the transaction: there a migration must be safe to run again.
 */
function inTransactionOnSqlite(dialect: SchemaDialect, db: MigrationDb, run: (db: MigrationDb) => Promise<void>): Promise<void> {
  return dialect.name === 'sqlite' ? db.transaction().execute(run) : run(db);
}
