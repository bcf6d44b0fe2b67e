/**
 * users.availability: the availability the user chose (`active`, `away`, `dnd`), the same on
 * every device and node and kept across restarts. users.last_seen_at: when the user last went
 * offline (epoch ms), written once per transition to offline; null until the first one.
 */
import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

export const userPresenceMigration: DialectMigration = {
  async up(db) {
    // varchar, not text: MySQL gives a text column no default. Existing accounts are active.
    await db.schema
      .alterTable('users')
      .addColumn('availability', 'varchar(16)', (col) =>
        col
          .notNull()
          .defaultTo('active')
          .check(sql`availability in ('active', 'away', 'dnd')`),
      )
      .execute();
    await db.schema.alterTable('users').addColumn('last_seen_at', 'bigint').execute();
  },

  async down(db) {
    await db.schema.alterTable('users').dropColumn('last_seen_at').execute();
    await db.schema.alterTable('users').dropColumn('availability').execute();
  },
};
