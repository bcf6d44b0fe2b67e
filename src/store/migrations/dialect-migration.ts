/** The shape of one of the store's migrations. */
import type { Kysely } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

/**
 * A migration that may differ by dialect (see `SchemaDialect`). It takes `Kysely<unknown>`: a
 * migration must not lean on today's `Database` type, which will have moved on by the time
 * the migration runs against an old database.
 */
export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: SchemaDialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: SchemaDialect): Promise<void>;
}
