/**
 * An index of the public rooms by key, for the room directory: it walks the public rooms in key
 * order from a cursor and stops at its page size, however many private and DM rooms (which can
 * outnumber them by far) sort between them.
 */
import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

export const publicRoomDirectoryMigration: DialectMigration = {
  async up(db) {
    // A partial index; both dialects use it for a query whose WHERE holds this very condition.
    await db.schema
      .createIndex('rooms_public_key_idx')
      .on('rooms')
      .column('key')
      .where(sql.ref('visibility'), '=', sql.lit('public'))
      .execute();
  },

  async down(db) {
    await db.schema.dropIndex('rooms_public_key_idx').execute();
  },
};
