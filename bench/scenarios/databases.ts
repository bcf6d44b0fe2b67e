/**
 * A fresh database per benchmark run: a temporary SQLite file, a throw-away PostgreSQL schema or
 * a throw-away MySQL / MariaDB database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../test/support/postgres.js';
import { createTestMysqlDatabase } from '../../test/support/mysql.js';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

export interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function databaseFor(kind: DatabaseKind): Promise<BenchDatabase> {
  if (kind === 'postgres') {
    const database = await createTestDatabase();
    if (database === undefined) throw new Error('PostgreSQL is unreachable (set TEST_DATABASE_URL)');
    return database;
  }
  if (kind === 'mysql') {
    const database = await createTestMysqlDatabase();
    if (database === undefined) throw new Error('MySQL is unreachable (set TEST_MYSQL_URL)');
    return database;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hubbub-bench-'));
  return {
    url: join(dir, 'bench.db'),
    drop: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
