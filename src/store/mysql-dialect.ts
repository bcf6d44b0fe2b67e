/**
 * Opening a MySQL 8 or MariaDB 10.11+ connection pool (mysql2) as the store's Kysely
 * instance, and the checks the server must pass before the store uses it.
 */
import { createPool } from 'mysql2';
import type { PoolOptions, TypeCastField, TypeCastNext } from 'mysql2';
import { CompiledQuery, Kysely, MysqlDialect, sql } from 'kysely';
import type { Database } from './schema.js';

/** Options of the MySQL pool. */
export interface MysqlOptions {
  /** Connections in the pool; 10 when not given. */
  readonly poolSize?: number | undefined;
  /**
   * Called when a pooled connection fails (the server restarted, the network dropped,
   * `KILL CONNECTION`), idle or in use. The pool drops the connection and opens a new one on
   * demand; the query in flight fails (and the store's caller answers `unavailable`).
   */
  readonly onConnectionError?: ((error: Error) => void) | undefined;
}

/**
 * `bigint` columns (times, seqs, counts) and decimal aggregates as JS numbers, as on the
 * other dialects. mysql2 hands them over as text (`bigNumberStrings`), so nothing is rounded
 * before this check: a value beyond a double's exact integers is a corruption worth failing on.
 */
function typeCast(field: TypeCastField, next: TypeCastNext): unknown {
  if (field.type !== 'LONGLONG' && field.type !== 'NEWDECIMAL') return next();
  const text = field.string();
  if (text === null) return null;
  const value = Number(text);
  if (field.type === 'LONGLONG' && !Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}

/**
 * Opens a pool on `connectionString` (`mysql://user:password@host:port/database`, or
 * `mariadb://…`, the same thing) for the store. Every connection speaks utf8mb4 (every code
 * point, emoji included) and runs READ COMMITTED, the isolation the append path is written for:
 * after locking a room it must see what the previous holder of the lock committed, which
 * MySQL's default REPEATABLE READ would hide behind an older snapshot.
 */
export function createMysqlDatabase(connectionString: string, options: MysqlOptions = {}): Kysely<Database> {
  const url = new URL(connectionString.replace(/^mariadb:/i, 'mysql:'));
  const pool = createPool({
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    ...connectionParameters(url.searchParams),
    charset: 'utf8mb4',
    connectionLimit: options.poolSize ?? 10,
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast,
    enableKeepAlive: true,
  } satisfies PoolOptions);
  const onError = options.onConnectionError ?? ((): void => {});
  // mysql2 drops a failed connection from the pool by itself; without a listener Node would
  // crash on the `error` event of an idle one.
  pool.on('connection', (connection) => connection.on('error', onError));
  return new Kysely<Database>({
    dialect: new MysqlDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed'));
      },
    }),
  });
}

/** The URL's query parameters mysql2 understands that the store lets an operator set. */
function connectionParameters(params: URLSearchParams): Partial<PoolOptions> {
  const options: Partial<PoolOptions> = {};
  const socketPath = params.get('socket');
  if (socketPath !== null) options.socketPath = socketPath;
  const timeout = params.get('connectTimeout');
  if (timeout !== null && /^\d+$/.test(timeout)) options.connectTimeout = Number(timeout);
  if (params.get('ssl') === 'true') options.ssl = {};
  return options;
}

/** What the store needs of a MySQL server, and could not run correctly without. */
export interface MysqlServerFacts {
  /** `version()`: `8.0.36`, `10.11.19-MariaDB-…`. */
  readonly version: string;
  /**
   * The binary utf8mb4 collation that does not pad: text compares by its exact code points,
   * so `a` and `a ` (and `é` and `e`) are different keys, as on the other dialects.
   */
  readonly collation: string;
}

/**
 * Checks the server before the store uses it, and reads what the schema needs. Refuses a
 * server without strict SQL mode: without it MySQL stores a value too long for its column
 * cut short, with a warning nobody reads, where the other dialects refuse it.
 */
export async function checkMysqlServer(db: Kysely<Database>): Promise<MysqlServerFacts> {
  const { rows } = await sql<{ version: string; mode: string }>`select version() as version, @@session.sql_mode as mode`.execute(db);
  const { version, mode } = rows[0]!;
  const modes = mode.split(',');
  if (!modes.includes('STRICT_TRANS_TABLES') && !modes.includes('STRICT_ALL_TABLES')) {
    throw new Error(
      `MySQL server ${version} runs without strict SQL mode (sql_mode is "${mode}"): hubbub needs STRICT_TRANS_TABLES in sql_mode, ` +
        'the default of MySQL 8 and MariaDB 10.2+. Set sql_mode in the server configuration (or SET GLOBAL sql_mode) and start again.',
    );
  }
  const collations = await sql<{ name: string }>`select collation_name as name from information_schema.collations
    where collation_name in ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')`.execute(db);
  // MySQL 8 names it utf8mb4_0900_bin, MariaDB utf8mb4_nopad_bin.
  const collation = collations.rows.map((row) => row.name).sort()[0];
  if (collation === undefined) throw new Error(`MySQL server ${version} has no binary NO PAD utf8mb4 collation: hubbub needs MySQL 8 or MariaDB 10.2+`);
  return { version, collation };
}
