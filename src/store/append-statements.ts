/** How the append path reaches the database inside its transaction. */
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Where the append's statements are built and run, inside its transaction. `build` is a Kysely
 * instance to build them with (once per shape: see `QueryTemplates`); `run` executes one.
 * Through Kysely by default; the SQLite writer thread runs them on its connection directly
 * (`sqlite-direct.ts`), which saves Kysely's executor for six statements a batch.
 */
export interface AppendStatements {
  readonly build: Kysely<Database>;
  run<R>(query: CompiledQuery<R>): Promise<readonly R[]>;
}
