/** Opening a PostgreSQL connection pool (pg) as the store's Kysely instance. */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.js';

/** Options of the PostgreSQL pool. */
export interface PostgresOptions {
  /** Connections in the pool; 10 when not given. */
  readonly poolSize?: number | undefined;
  /**
   * Called when a pooled connection fails (the server restarted, the network dropped, an
   * administrator terminated it), idle or in use. The pool discards the connection and opens a
   * new one on demand; the query in flight fails (and the store's caller answers
   * `unavailable`). Without a listener Node would crash on the unhandled `error` event.
   */
  readonly onConnectionError?: ((error: Error) => void) | undefined;
}

const INT8_OID = 20;

/**
 * `bigint` columns (times, seqs, counts) as JS numbers. Every value the store keeps fits in a
 * double exactly; one that does not is a corruption worth failing on, not rounding.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}

/**
 * Opens a pool on `connectionString` for the store. `?options=-c search_path=…` in the URL
 * selects the schema (pg passes `options` to the server at connect time).
 */
export function createPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Kysely<Database> {
  // Type parsers scoped to this pool, not pg's global table, so other pg users in the
  // process keep their own parsing.
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10, types });
  const onError = options.onConnectionError ?? ((): void => {});
  // The pool listens to idle connections only; a connection checked out by a query emits its
  // `error` on the client itself.
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
