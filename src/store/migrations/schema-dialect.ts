/**
 * What the migrations' DDL must spell differently on each dialect, in one place: the
 * migrations themselves describe one schema and ask this for the dialect's words.
 */
import { sql } from 'kysely';
import type { ColumnDataType, ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { SqlDialectName } from '../../config/database-url.js';

/** The dialect a migration runs on, as its DDL needs it. */
export interface SchemaDialect {
  readonly name: SqlDialectName;
  /** An integer primary key the database numbers itself. */
  idColumn(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /**
   * The type of a text column that a key or an index covers (names, keys, ids). MySQL
   * indexes only text of bounded length; 255 characters of utf8mb4 fit its index limit.
   */
  readonly keyText: ColumnDataType;
  /** `CREATE TABLE name`, with the table options the dialect needs. */
  createTable(db: Kysely<unknown>, name: string): CreateTableBuilder<string, never>;
  /**
   * Whether a REFERENCES clause on a column creates a foreign key. MySQL 8 parses and
   * ignores it; there a migration declares the key on the table.
   */
  readonly columnForeignKeys: boolean;
  /** Whether an index can cover only the rows a WHERE names (MySQL cannot). */
  readonly partialIndexes: boolean;
}

/** SQLite: AUTOINCREMENT so an id is never reused after a delete (tokens and logs refer to user ids). */
const sqlite: SchemaDialect = {
  name: 'sqlite',
  idColumn: (col) => col.primaryKey().autoIncrement(),
  keyText: 'text',
  createTable: (db, name) => db.schema.createTable(name),
  columnForeignKeys: true,
  partialIndexes: true,
};

/** PostgreSQL: an identity column, the standard spelling of `serial`. */
const postgres: SchemaDialect = {
  name: 'postgres',
  idColumn: (col) => col.primaryKey().generatedByDefaultAsIdentity(),
  keyText: 'text',
  createTable: (db, name) => db.schema.createTable(name),
  columnForeignKeys: true,
  partialIndexes: true,
};

/**
 * MySQL and MariaDB: InnoDB (row locks, transactions, foreign keys), utf8mb4 (every code point,
 * not MySQL's three-byte `utf8`) and a binary collation that does not pad, so that text
 * compares by its exact code points as on the other dialects: the default collations would
 * take `Bob` for `bob`, `é` for `e` and `a ` for `a` in unique keys. `collation` is the server's
 * name for it (see `checkMysqlServer`).
 */
function mysql(collation: string): SchemaDialect {
  return {
    name: 'mysql',
    idColumn: (col) => col.primaryKey().autoIncrement(),
    keyText: 'varchar(255)',
    createTable: (db, name) =>
      db.schema.createTable(name).modifyEnd(sql`engine = InnoDB default character set utf8mb4 collate ${sql.raw(collation)}`),
    columnForeignKeys: false,
    partialIndexes: false,
  };
}

/** The schema dialect of `name`; MySQL needs the collation its server calls binary and unpadded. */
export function schemaDialect(name: SqlDialectName, mysqlCollation?: string): SchemaDialect {
  if (name === 'sqlite') return sqlite;
  if (name === 'postgres') return postgres;
  if (mysqlCollation === undefined || !/^utf8mb4_[a-z0-9_]+$/.test(mysqlCollation)) {
    throw new Error(`a MySQL schema needs its binary utf8mb4 collation, got ${String(mysqlCollation)}`);
  }
  return mysql(mysqlCollation);
}
