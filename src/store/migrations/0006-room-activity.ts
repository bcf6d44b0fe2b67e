/**
 * room_activity: who joined or left a room, when, and after which message (`after_seq`, the
 * room's last seq at that moment), so that a conversation can show its quiet "alice joined"
 * lines in the same place after a reload as it did live. Rows are written in the transaction
 * of the membership change itself; direct conversations have none.
 */
import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

export const roomActivityMigration: DialectMigration = {
  async up(db, dialect) {
    // MySQL commits each DDL statement by itself: a run cut short here must be safe to repeat.
    let table = dialect
      .createTable(db, 'room_activity')
      .ifNotExists()
      .addColumn('id', 'integer', dialect.idColumn)
      .addColumn('room_id', 'integer', (col) => (dialect.columnForeignKeys ? col.notNull().references('rooms.id').onDelete('cascade') : col.notNull()))
      .addColumn('user_id', 'integer', (col) => (dialect.columnForeignKeys ? col.notNull().references('users.id').onDelete('cascade') : col.notNull()))
      .addColumn('action', dialect.keyText, (col) => col.notNull())
      .addColumn('after_seq', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addCheckConstraint('room_activity_action_check', sql`action in ('joined', 'left')`);
    if (!dialect.columnForeignKeys) {
      // MySQL ignores REFERENCES on a column: the keys go on the table, named as PostgreSQL would.
      table = table
        .addForeignKeyConstraint('room_activity_room_id_fkey', ['room_id'], 'rooms', ['id'], (fk) => fk.onDelete('cascade'))
        .addForeignKeyConstraint('room_activity_user_id_fkey', ['user_id'], 'users', ['id'], (fk) => fk.onDelete('cascade'));
    }
    await table.execute();
    // A page of a room's activity is one range of this index, in display order (id breaks
    // ties between changes after the same message); the room's first column also serves the
    // foreign key's cascade.
    await db.schema
      .createIndex('room_activity_room_after_seq_idx')
      .ifNotExists()
      .on('room_activity')
      .columns(['room_id', 'after_seq', 'id'])
      .execute()
      .catch(async (error: unknown) => {
        // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has): there a rerun finds the index made.
        if (dialect.name !== 'mysql' || !(await indexExists(db))) throw error;
      });
  },

  async down(db) {
    // The index goes with its table (MySQL would refuse to drop it alone: the foreign key uses it).
    await db.schema.dropTable('room_activity').execute();
  },
};

async function indexExists(db: Parameters<DialectMigration['up']>[0]): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from information_schema.statistics
    where table_schema = database() and table_name = 'room_activity' and index_name = 'room_activity_room_after_seq_idx'`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}
