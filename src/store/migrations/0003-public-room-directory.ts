/**
 * An index of the public rooms by key, for the room directory: it walks the public rooms in key
 * order from a cursor and stops at its page size, however many private and DM rooms (which can
 * outnumber them by far) sort between them.
 */
import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

export const publicRoomDirectoryMigration: DialectMigration = {
  async up(db, dialect) {
    if (!dialect.partialIndexes) {
      // MySQL: no partial indexes, so the public rooms are the `public` range of an index by
      // (visibility, key), which the directory's walk follows the same way.
      await db.schema.createIndex('rooms_public_key_idx').on('rooms').columns(['visibility', 'key']).execute();
      return;
    }
    // A partial index; SQLite and PostgreSQL use it for a query whose WHERE holds this very condition.
    await db.schema
      .createIndex('rooms_public_key_idx')
      .on('rooms')
      .column('key')
      .where(sql.ref('visibility'), '=', sql.lit('public'))
      .execute();
  },

  async down(db, dialect) {
    // MySQL names the table of an index to drop.
    const drop = db.schema.dropIndex('rooms_public_key_idx');
    await (dialect.name === 'mysql' ? drop.on('rooms') : drop).execute();
  },
};
