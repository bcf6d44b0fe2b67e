/**
 * Parsing of the `DATABASE_URL` setting: which dialect to open and with what. A pure function
 * of the text, kept in config (which validates the setting) and imported by the store (which
 * opens the database), so that config never imports the store nor loads a database driver.
 */

/** Where the store lives: a SQLite file (or `:memory:`), a PostgreSQL server or a MySQL / MariaDB server. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly filename: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string }
  | { readonly dialect: 'mysql'; readonly connectionString: string };

/** The SQL dialects the store speaks. */
export type SqlDialectName = DatabaseTarget['dialect'];

// A URL scheme of two letters or more: one letter is a Windows drive (`C:\data\hubbub.db`),
// which is a plain path.
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Reads a database URL: a plain file path or `sqlite:` URL (`sqlite:./data/x.db`,
 * `sqlite::memory:`, `sqlite:///abs/path.db`) opens SQLite; `postgres://` or `postgresql://`
 * opens PostgreSQL; `mysql://` or `mariadb://` opens MySQL or MariaDB (one dialect: the
 * server tells which it is). Throws on anything else.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new Error('the database URL is empty: give a file path, sqlite:<path>, postgres://… or mysql://…');
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { dialect: 'sqlite', filename: trimmed };
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
      throw new Error(`a PostgreSQL database URL starts with ${scheme}:// (got "${scheme}:" without "//")`);
    }
    return { dialect: 'postgres', connectionString: trimmed };
  }
  if (scheme === 'mysql' || scheme === 'mariadb') {
    if (!/^(mysql|mariadb):\/\//i.test(trimmed)) {
      throw new Error(`a MySQL or MariaDB database URL starts with ${scheme}:// (got "${scheme}:" without "//")`);
    }
    return { dialect: 'mysql', connectionString: trimmed };
  }
  if (scheme === 'sqlite') return { dialect: 'sqlite', filename: sqliteFilename(trimmed) };
  // Only the scheme goes into the message: the rest of a URL may hold a password.
  throw new Error(`unsupported database URL scheme "${scheme}:": use a file path, sqlite:<path>, postgres://… or mysql://…`);
}

/** `sqlite:x` and `sqlite://x` both name the file `x`, so `sqlite:///abs` is `/abs`. */
function sqliteFilename(url: string): string {
  let rest = url.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') throw new Error('the sqlite: database URL names no file: use sqlite:<path> or sqlite::memory:');
  return rest;
}
