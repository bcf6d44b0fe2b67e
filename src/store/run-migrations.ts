/** Bringing a database's schema up to date with `migrations/`. */
import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import type { SchemaDialect } from './migrations/schema-dialect.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Names of the migrations applied by this run, in order; empty when already up to date. */
  readonly applied: string[];
}

/**
 * Applies every pending migration (Kysely's `Migrator`, which serialises concurrent runs with
 * a lock). Throws naming the migration that failed; earlier ones in the run stay applied.
 */
export async function runMigrations(db: Kysely<Database>, dialect: SchemaDialect): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    // On PostgreSQL, name the schema the connection works in: without it Kysely decides
    // whether its bookkeeping table exists by looking in every schema of the database, and
    // another schema's table (another deployment, a parallel test) would fool it.
    ...(dialect.name === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed === undefined ? `database migration failed: ${message}` : `database migration ${failed} failed: ${message}`,
      { cause: error },
    );
  }
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}

/** The schema new tables go to: the first existing schema of the search_path. */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no schema of the PostgreSQL search_path exists: create it or fix ?options=-c search_path=…');
  return schema;
}
