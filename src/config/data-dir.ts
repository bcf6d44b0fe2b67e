/** Where the server keeps its own files, derived from the database location. */
import { dirname, resolve } from 'node:path';
import { parseDatabaseUrl } from './database-url.js';

/**
 * The file an SQLite `DATABASE_URL` points at (`./x.db`, `sqlite:./x.db`, `sqlite:///abs/x.db`),
 * or undefined for PostgreSQL and in-memory databases.
 */
export function sqliteFilePath(databaseUrl: string): string | undefined {
  const target = parseDatabaseUrl(databaseUrl);
  return target.dialect === 'sqlite' && target.filename !== ':memory:' ? target.filename : undefined;
}

/**
 * The data folder, absolute: `DATA_DIR` when set, else the SQLite file's folder, else `./data`.
 * An explicit `DATA_DIR` wins because an operator who sets it means it.
 */
export function resolveDataDir(dataDir: string | undefined, databaseUrl: string, cwd: string): string {
  if (dataDir !== undefined) return resolve(cwd, dataDir);
  const file = sqliteFilePath(databaseUrl);
  return resolve(cwd, file === undefined ? './data' : dirname(file));
}
