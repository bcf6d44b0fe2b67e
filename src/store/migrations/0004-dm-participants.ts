/**
 * Direct conversations can no longer be left: a message to one must always reach both
 * participants. Before this rule a participant could leave, and later messages were
 * acknowledged into the void. This migration makes both participants of every existing
 * conversation members again (read position 0: what was sent while they were out is unread).
 */
import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/** Conversations handled per statement. */
const CHUNK = 500;

/** `dm:<a>:<b>` → [a, b] (both lower-case usernames, which hold no colon). */
function participants(key: string): [string, string] | undefined {
  const match = /^dm:([^:]+):([^:]+)$/.exec(key);
  return match === null ? undefined : [match[1]!, match[2]!];
}

export const dmParticipantsMigration: DialectMigration = {
  async up(db, dialect) {
    // `key` quoted by Kysely: MySQL reserves the word.
    const rooms = (await sql<{ id: number; key: string }>`select id, ${sql.ref('key')} from rooms where visibility = 'dm'`.execute(db)).rows;
    const now = Date.now();
    for (let start = 0; start < rooms.length; start += CHUNK) {
      const chunk = rooms.slice(start, start + CHUNK);
      const names = [...new Set(chunk.flatMap((room) => participants(room.key) ?? []))];
      if (names.length === 0) continue;
      const users = (
        await sql<{ id: number; username_lower: string }>`select id, username_lower from users where username_lower in (${sql.join(names)})`.execute(db)
      ).rows;
      const idOf = new Map(users.map((user) => [user.username_lower, Number(user.id)]));
      const pairs = chunk.flatMap((room) =>
        (participants(room.key) ?? []).flatMap((name) => {
          const userId = idOf.get(name);
          return userId === undefined ? [] : [sql`(${Number(room.id)}, ${userId}, 0, ${now})`];
        }),
      );
      if (pairs.length === 0) continue;
      // Already a member: nothing to do (MySQL has no ON CONFLICT; a no-op update is its spelling).
      const onConflict = dialect.name === 'mysql' ? sql`on duplicate key update room_id = room_id` : sql`on conflict (room_id, user_id) do nothing`;
      await sql`insert into memberships (room_id, user_id, read_seq, joined_at) values ${sql.join(pairs)} ${onConflict}`.execute(db);
    }
  },

  async down() {
    // Nothing to undo: the members it restored are members like any other.
  },
};
