/**
 * A throw-away MySQL / MariaDB database per test suite, so suites (and their parallel runs)
 * never see each other's rows. Without a reachable server the MySQL tests are skipped loudly,
 * except in CI, where a missing server is a failure.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { redactUrl } from './redact-url.js';

/** A fresh database: `url` names it; `drop()` removes it and everything in it. */
export interface TestMysqlDatabase {
  readonly url: string;
  /** The database's name. */
  readonly name: string;
  drop(): Promise<void>;
}

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/test';

/**
 * Creates database `hubbub_t_<random>` on the server of `TEST_MYSQL_URL` (default
 * mysql://root@127.0.0.1:3306/test) and returns a URL naming it. Returns undefined, after a
 * warning on stderr, when the server is unreachable, unless `CI=true`, where it throws. Use as
 * `describe(name, { skip: db === undefined }, …)`.
 */
export async function createTestMysqlDatabase(): Promise<TestMysqlDatabase | undefined> {
  const baseUrl = process.env.TEST_MYSQL_URL ?? DEFAULT_URL;
  let admin;
  try {
    admin = await createConnection({ uri: baseUrl, connectTimeout: 5000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI === 'true') throw new Error(`MySQL unreachable at ${redactUrl(baseUrl)} (${reason}); CI requires it`, { cause: error });
    console.warn(`⚠ MySQL unreachable at ${redactUrl(baseUrl)}: skipping MySQL tests (${reason})`);
    return undefined;
  }
  const name = `hubbub_t_${randomBytes(6).toString('hex')}`;
  try {
    // An identifier cannot be a bound parameter; the name is ours, hex only, and quoted.
    await admin.query(`create database \`${name}\``);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const connection = await createConnection({ uri: baseUrl });
      try {
        await connection.query(`drop database if exists \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
