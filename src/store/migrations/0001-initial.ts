/** The first schema: users, rooms, memberships, messages and refresh tokens. */
import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';
import type { SchemaDialect } from './schema-dialect.js';

/**
 * A column referring to `table`.id, deleting with it when `cascade`. Where the dialect ignores
 * REFERENCES on a column, `tableForeignKey` declares the key on the table instead.
 */
function refersTo(dialect: SchemaDialect, table: string, cascade: boolean): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  if (!dialect.columnForeignKeys) return (col) => col.notNull();
  return (col) => {
    const ref = col.notNull().references(`${table}.id`);
    return cascade ? ref.onDelete('cascade') : ref;
  };
}

/** The foreign key `refersTo` leaves to the table: named as PostgreSQL names a column's. */
function tableForeignKey<T extends CreateTableBuilder<string, never>>(
  dialect: SchemaDialect,
  builder: T,
  table: string,
  column: string,
  target: string,
  cascade: boolean,
): T {
  if (dialect.columnForeignKeys) return builder;
  return builder.addForeignKeyConstraint(`${table}_${column}_fkey`, [column as never], target, ['id'], (fk) =>
    cascade ? fk.onDelete('cascade') : fk,
  ) as T;
}

export const initialMigration: DialectMigration = {
  async up(db, dialect) {
    await dialect
      .createTable(db, 'users')
      .addColumn('id', 'integer', dialect.idColumn)
      .addColumn('username', dialect.keyText, (col) => col.notNull())
      .addColumn('username_lower', dialect.keyText, (col) => col.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('users_username_lower_key', ['username_lower'])
      .execute();

    await dialect
      .createTable(db, 'rooms')
      .addColumn('id', 'integer', dialect.idColumn)
      .addColumn('key', dialect.keyText, (col) => col.notNull())
      .addColumn('visibility', dialect.keyText, (col) => col.notNull())
      .addColumn('last_seq', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('rooms_key_key', ['key'])
      .addCheckConstraint('rooms_visibility_check', sql`visibility in ('public', 'private', 'dm')`)
      .execute();

    let memberships = dialect
      .createTable(db, 'memberships')
      .addColumn('room_id', 'integer', refersTo(dialect, 'rooms', true))
      .addColumn('user_id', 'integer', refersTo(dialect, 'users', true))
      .addColumn('read_seq', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('joined_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('memberships_pkey', ['room_id', 'user_id']);
    memberships = tableForeignKey(dialect, memberships, 'memberships', 'room_id', 'rooms', true);
    await tableForeignKey(dialect, memberships, 'memberships', 'user_id', 'users', true).execute();
    // "My rooms" lists by user; the primary key already serves lookups by room.
    await db.schema.createIndex('memberships_user_id_idx').on('memberships').column('user_id').execute();

    // History pages walk the (room_id, seq) primary key; the unique key makes retries of a
    // send idempotent. A sender's messages stay when the sender is deleted (no cascade).
    let messages = dialect
      .createTable(db, 'messages')
      .addColumn('room_id', 'integer', refersTo(dialect, 'rooms', true))
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('sender_id', 'integer', refersTo(dialect, 'users', false))
      .addColumn('text', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('client_msg_id', dialect.keyText, (col) => col.notNull())
      .addPrimaryKeyConstraint('messages_pkey', ['room_id', 'seq'])
      .addUniqueConstraint('messages_client_msg_id_key', ['room_id', 'sender_id', 'client_msg_id']);
    messages = tableForeignKey(dialect, messages, 'messages', 'room_id', 'rooms', true);
    await tableForeignKey(dialect, messages, 'messages', 'sender_id', 'users', false).execute();

    const refreshTokens = dialect
      .createTable(db, 'refresh_tokens')
      .addColumn('id', 'integer', dialect.idColumn)
      .addColumn('family_id', dialect.keyText, (col) => col.notNull())
      .addColumn('user_id', 'integer', refersTo(dialect, 'users', true))
      .addColumn('token_hash', dialect.keyText, (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('refresh_tokens_token_hash_key', ['token_hash']);
    await tableForeignKey(dialect, refreshTokens, 'refresh_tokens', 'user_id', 'users', true).execute();
    // Reuse of a rotated token revokes its whole family.
    await db.schema.createIndex('refresh_tokens_family_id_idx').on('refresh_tokens').column('family_id').execute();
  },

  async down(db) {
    for (const table of ['refresh_tokens', 'messages', 'memberships', 'rooms', 'users']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
