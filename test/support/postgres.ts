/**
 * A throw-away PostgreSQL schema per test suite, so suites (and their parallel runs) never
 * see each other's rows. Without a reachable server the PostgreSQL tests are skipped loudly,
 * except in CI, where a missing server is a failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactUrl } from './redact-url.js';

/** A fresh schema: `url` selects it; `drop()` removes it and everything in it. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Creates schema `hubbub_t_<random>` in `TEST_DATABASE_URL` (default
 * postgres://postgres@127.0.0.1:5432/test) and returns a URL whose
 * `?options=-c search_path=<schema>` makes it every connection's default schema.
 * Returns undefined, after a warning on stderr, when PostgreSQL is unreachable, unless
 * `CI=true`, where it throws. Use as `describe(name, { skip: db === undefined }, …)`.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const baseUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL unreachable at ${redactUrl(baseUrl)} (${reason}); CI requires it`, { cause: error });
    }
    console.warn(`⚠ PostgreSQL unreachable at ${redactUrl(baseUrl)}: skipping PostgreSQL tests (${reason})`);
    return undefined;
  }

  const schema = `hubbub_t_${randomBytes(6).toString('hex')}`;
  try {
    // An identifier cannot be a bound parameter; the name is ours, hex only, and quoted.
    await admin.query(`create schema ${pg.escapeIdentifier(schema)}`);
  } finally {
    await admin.end();
  }
  const url = withSearchPath(baseUrl, schema);
  const database: TestDatabase = {
    url,
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${pg.escapeIdentifier(schema)} cascade`);
      } finally {
        await client.end();
      }
    },
  };
  // A server or driver that ignored `options` would let tests write into the default schema.
  await assertSearchPath(url, schema).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return database;
}

/** `baseUrl` with `-c search_path=<schema>` added to its `options` parameter. */
function withSearchPath(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  const options = [url.searchParams.get('options'), `-c search_path=${schema}`].filter(Boolean).join(' ');
  url.searchParams.delete('options');
  // Spelled by hand: URLSearchParams would encode the spaces as `+`.
  const rest = url.searchParams.toString();
  url.search = `${rest === '' ? '' : `${rest}&`}options=${encodeURIComponent(options)}`;
  return url.toString();
}

async function assertSearchPath(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string | null }>('select current_schema() as schema');
    if (rows[0]?.schema !== schema) {
      throw new Error(`PostgreSQL ignored ?options=-c search_path=${schema} (current schema: ${rows[0]?.schema ?? 'none'})`);
    }
  } finally {
    await client.end();
  }
}
