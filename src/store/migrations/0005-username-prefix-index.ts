/**
 * An index for finding users by the start of their name (`listUsersByPrefix`) on PostgreSQL.
 * The search is a range of `username_lower` in code point order. On SQLite and MySQL the unique
 * key on `username_lower` already sorts that way (BINARY, and the binary NO PAD collation), so
 * the walk follows it. PostgreSQL's unique key sorts in the database's collation, which may be a
 * locale's: the search names the "C" collation, and this index of `username_lower` in "C" is
 * what it walks.
 */
import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

export const usernamePrefixIndexMigration: DialectMigration = {
  async up(db, dialect) {
    if (dialect.name !== 'postgres') return;
    await db.schema
      .createIndex('users_username_lower_c_idx')
      .on('users')
      .expression(sql`${sql.ref('username_lower')} collate "C"`)
      .execute();
  },

  async down(db, dialect) {
    if (dialect.name !== 'postgres') return;
    await db.schema.dropIndex('users_username_lower_c_idx').execute();
  },
};
