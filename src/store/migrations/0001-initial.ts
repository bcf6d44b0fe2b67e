/** The first schema: users, rooms, memberships, messages and refresh tokens. */
import { sql } from 'kysely';
import type { ColumnDefinitionBuilder } from 'kysely';
import type { SqlDialectName } from '../../config/database-url.js';
import type { DialectMigration } from './dialect-migration.js';

/** An integer primary key the database numbers itself. */
function idColumn(dialect: SqlDialectName): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  // SQLite: AUTOINCREMENT so an id is never reused after a delete (tokens and logs refer to
  // user ids). PostgreSQL: an identity column, the standard spelling of `serial`.
  return dialect === 'postgres'
    ? (col) => col.primaryKey().generatedByDefaultAsIdentity()
    : (col) => col.primaryKey().autoIncrement();
}

export const initialMigration: DialectMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', idColumn(dialect))
      .addColumn('username', 'text', (col) => col.notNull())
      .addColumn('username_lower', 'text', (col) => col.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('users_username_lower_key', ['username_lower'])
      .execute();

    await db.schema
      .createTable('rooms')
      .addColumn('id', 'integer', idColumn(dialect))
      .addColumn('key', 'text', (col) => col.notNull())
      .addColumn('visibility', 'text', (col) => col.notNull())
      .addColumn('last_seq', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('rooms_key_key', ['key'])
      .addCheckConstraint('rooms_visibility_check', sql`visibility in ('public', 'private', 'dm')`)
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('room_id', 'integer', (col) => col.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('read_seq', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('joined_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('memberships_pkey', ['room_id', 'user_id'])
      .execute();
    // "My rooms" lists by user; the primary key already serves lookups by room.
    await db.schema.createIndex('memberships_user_id_idx').on('memberships').column('user_id').execute();

    // History pages walk the (room_id, seq) primary key; the unique key makes retries of a
    // send idempotent. A sender's messages stay when the sender is deleted (no cascade).
    await db.schema
      .createTable('messages')
      .addColumn('room_id', 'integer', (col) => col.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('sender_id', 'integer', (col) => col.notNull().references('users.id'))
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('client_msg_id', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('messages_pkey', ['room_id', 'seq'])
      .addUniqueConstraint('messages_client_msg_id_key', ['room_id', 'sender_id', 'client_msg_id'])
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('id', 'integer', idColumn(dialect))
      .addColumn('family_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('refresh_tokens_token_hash_key', ['token_hash'])
      .execute();
    // Reuse of a rotated token revokes its whole family.
    await db.schema.createIndex('refresh_tokens_family_id_idx').on('refresh_tokens').column('family_id').execute();
  },

  async down(db) {
    for (const table of ['refresh_tokens', 'messages', 'memberships', 'rooms', 'users']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
