/**
 * users.token_generation: the generation an access token of the account must carry. Raising it
 * (a disabled account, a new password) turns away every access token signed before.
 */
import type { DialectMigration } from './dialect-migration.js';

export const tokenGenerationMigration: DialectMigration = {
  async up(db) {
    // Existing accounts start at 0, as new ones do.
    await db.schema
      .alterTable('users')
      .addColumn('token_generation', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },

  async down(db) {
    await db.schema.alterTable('users').dropColumn('token_generation').execute();
  },
};
