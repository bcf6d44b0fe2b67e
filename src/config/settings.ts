/**
 * Every environment variable the server reads, as data: its name, default, meaning and parser.
 * `loadConfig` validates with it, and the README's configuration table is generated from (or
 * checked against) `settingsTable()`, so the two cannot drift apart.
 */
import type { z } from 'zod';
import type { Config } from './config.js';
import { boolean, databaseUrl, integer, oneOf, origins, redisPrefix, redisUrl, secret, text, trustProxy } from './parsers.js';
import { MAX_TEXT_LENGTH } from '../protocol/commands.js';
import { MIN_JWT_SECRET_LENGTH } from './jwt-secret.js';
import { DEFAULT_PASSWORD_MIN_SCORE } from '../protocol/limits.js';

/** One environment variable and how it becomes a `Config` field. */
export interface Setting<T> {
  readonly env: string;
  /** The text used when the variable is unset or blank; undefined = stays unset. */
  readonly default: string | undefined;
  /** How the default reads in documentation, when it is not simply `default`. */
  readonly documentedDefault?: string;
  readonly description: string;
  /** Values that are or may hold credentials (URLs with passwords): never echoed in errors. */
  readonly secret?: boolean;
  readonly schema: z.ZodType<T>;
}

/** What the settings parse to, before `dataDir` and `redisPrefix` get their computed defaults. */
export type SettingValues = Omit<Config, 'dataDir' | 'redisPrefix'> & {
  readonly dataDir: string | undefined;
  readonly redisPrefix: string | undefined;
};

const MiB = 1024 * 1024;
const DAY = 24 * 60 * 60;

/** The settings, keyed by their `Config` field, in the order the README lists them. */
export const SETTINGS: { readonly [K in keyof SettingValues]: Setting<SettingValues[K]> } = {
  nodeEnv: {
    env: 'NODE_ENV',
    default: 'development',
    description: '`development`, `test` or `production` (production refuses a missing `JWT_SECRET`)',
    schema: oneOf(['development', 'production', 'test']),
  },
  port: { env: 'PORT', default: '3000', description: 'TCP port to listen on', schema: integer(0, 65535) },
  host: { env: 'HOST', default: '0.0.0.0', description: 'address to listen on', schema: text() },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: './data/hubbub.db',
    description: 'a file path or `sqlite:` URL (SQLite), `postgres://…` (PostgreSQL) or `mysql://…` (MySQL 8, MariaDB 10.11+)',
    secret: true,
    schema: databaseUrl(),
  },
  dataDir: {
    env: 'DATA_DIR',
    default: undefined,
    documentedDefault: 'the SQLite file\'s folder, else `./data`',
    description: 'folder for files the server keeps (the generated JWT secret)',
    schema: text().optional(),
  },
  redisUrl: {
    env: 'REDIS_URL',
    default: undefined,
    documentedDefault: 'unset',
    description: '`redis://…` to run several nodes; unset = single node',
    secret: true,
    schema: redisUrl().optional(),
  },
  redisPrefix: {
    env: 'REDIS_PREFIX',
    default: undefined,
    documentedDefault: '`hubbub:<db>:`, `<db>` being the database number in `REDIS_URL` (0 when it names none)',
    description:
      'namespace of every Redis channel and key hubbub uses: deployments sharing one Redis server need different ones, which different database numbers give by default; 1 to 64 letters, digits or `_.:-`',
    schema: redisPrefix().optional(),
  },
  jwtSecret: {
    env: 'JWT_SECRET',
    default: undefined,
    documentedDefault: 'generated and kept in the data folder (not in production)',
    description: 'signing secret for access tokens (HS256), at least 32 characters',
    secret: true,
    schema: secret(MIN_JWT_SECRET_LENGTH).optional(),
  },
  accessTokenTtlSeconds: {
    env: 'ACCESS_TOKEN_TTL',
    default: '900',
    description: 'access token lifetime in seconds',
    schema: integer(10, 30 * DAY),
  },
  refreshTokenTtlSeconds: {
    env: 'REFRESH_TOKEN_TTL',
    default: String(30 * DAY),
    documentedDefault: '`2592000` (30 days)',
    description: 'refresh token lifetime in seconds',
    schema: integer(60, 3650 * DAY),
  },
  externalTokens: {
    env: 'EXTERNAL_TOKENS',
    default: 'true',
    description: 'accept tokens signed by the operator\'s backend for users hubbub has not seen (creates them)',
    schema: boolean(),
  },
  allowedOrigins: {
    env: 'ALLOWED_ORIGINS',
    default: '*',
    documentedDefault: 'any origin',
    description: 'comma-separated browser origins allowed to call `/api`; `*` = any',
    schema: origins(),
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    default: 'false',
    description: 'trust `X-Forwarded-*` from a reverse proxy: true/false, or its addresses/CIDRs',
    schema: trustProxy(),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`',
    schema: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  maxConnectionsPerUser: {
    env: 'MAX_CONNECTIONS_PER_USER',
    default: '20',
    description: 'open WebSockets per user',
    schema: integer(1, 10_000),
  },
  maxConnectionsPerIp: {
    env: 'MAX_CONNECTIONS_PER_IP',
    default: '256',
    description: 'open TCP connections (HTTP and WebSocket) per client address; more are cut at once; 0 = off. Behind a reverse proxy every client has the proxy\'s address: raise it, or set 0 and limit at the proxy',
    schema: integer(0, 1_000_000),
  },
  messageRateLimit: {
    env: 'MESSAGE_RATE_LIMIT',
    default: '10',
    description: 'messages per second per user (burst twice that); 0 = off',
    schema: integer(0, 100_000),
  },
  authRateLimit: {
    env: 'AUTH_RATE_LIMIT',
    default: '20',
    description: 'register/login attempts per minute per IP; 0 = off',
    schema: integer(0, 1_000_000),
  },
  passwordMinScore: {
    env: 'PASSWORD_MIN_SCORE',
    default: String(DEFAULT_PASSWORD_MIN_SCORE),
    description:
      'how hard to guess a new password must be, as a zxcvbn score from 0 to 4 (the username counts against it); weaker ones answer `weak_password`; 0 = only the length rule (8-256 characters)',
    schema: integer(0, 4),
  },
  historyRateLimit: {
    env: 'HISTORY_RATE_LIMIT',
    default: '20',
    description: 'history pages per second per user, over the WebSocket and HTTP (burst twice that); 0 = off',
    schema: integer(0, 100_000),
  },
  membershipRateLimit: {
    env: 'MEMBERSHIP_RATE_LIMIT',
    default: '60',
    description: 'joins, leaves and invites per minute per user; 0 = off',
    schema: integer(0, 1_000_000),
  },
  roomCreateRateLimit: {
    env: 'ROOM_CREATE_RATE_LIMIT',
    default: '30',
    description: 'new rooms per hour per user (created by `POST /api/rooms` or by joining a public room that does not exist); 0 = off',
    schema: integer(0, 1_000_000),
  },
  maxRoomsPerUser: {
    env: 'MAX_ROOMS_PER_USER',
    default: '1000',
    description: 'rooms (direct conversations included) a user may be a member of; beyond it joins and invites answer `too_many_rooms`',
    schema: integer(1, 1_000_000),
  },
  presenceGraceMs: {
    env: 'PRESENCE_GRACE_MS',
    default: '5000',
    description: 'how long a user with no open connection stays online (ms)',
    schema: integer(0, 3_600_000),
  },
  presenceNodeTimeoutMs: {
    env: 'PRESENCE_NODE_TIMEOUT_MS',
    default: '15000',
    description: 'with Redis: how soon the users of a node that died without a goodbye go offline (ms)',
    schema: integer(300, 600_000),
  },
  maxTextLength: {
    env: 'MAX_TEXT_LENGTH',
    default: String(MAX_TEXT_LENGTH),
    description: `longest message text in characters (at most ${MAX_TEXT_LENGTH})`,
    schema: integer(1, MAX_TEXT_LENGTH),
  },
  maxFrameBytes: {
    env: 'MAX_FRAME_BYTES',
    default: '65536',
    description: 'largest WebSocket frame accepted (bytes)',
    schema: integer(1024, 64 * MiB),
  },
  maxBodyBytes: {
    env: 'MAX_BODY_BYTES',
    default: '65536',
    description: 'largest HTTP request body accepted (bytes)',
    schema: integer(1024, 64 * MiB),
  },
  sendBufferBytes: {
    env: 'SEND_BUFFER_BYTES',
    default: String(MiB),
    documentedDefault: '`1048576` (1 MiB)',
    description: 'unsent bytes a connection may hold before it is closed as too slow (4009)',
    schema: integer(1024, 1024 * MiB),
  },
  heartbeatIntervalMs: {
    env: 'HEARTBEAT_INTERVAL_MS',
    default: '25000',
    description: 'WebSocket ping interval (ms)',
    schema: integer(100, 600_000),
  },
  headersTimeoutMs: {
    env: 'HEADERS_TIMEOUT_MS',
    default: '10000',
    description: 'time a connection has to send a complete request head, counted from when it opened or began the request; a silent connection is closed after it (ms)',
    schema: integer(1000, 60_000),
  },
  helloTimeoutMs: {
    env: 'HELLO_TIMEOUT_MS',
    default: '10000',
    description: 'time a new WebSocket has to send `hello` before it is closed with 4001 (ms)',
    schema: integer(100, 600_000),
  },
  batchWindowMs: {
    env: 'BATCH_WINDOW_MS',
    default: '0',
    description: 'at most one write per connection per window (ms), stretched under load; 0 = write on every turn of the event loop (what a group commit delivered goes out together)',
    schema: integer(0, 1000),
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    description: 'how long a graceful shutdown waits before forcing (ms)',
    schema: integer(0, 600_000),
  },
  sqliteSync: {
    env: 'SQLITE_SYNC',
    default: 'full',
    description: 'SQLite only: `full` syncs every group commit to disk before its acks (survives a power loss); `normal` survives a crash of the process, not of the machine, and commits faster',
    schema: oneOf(['full', 'normal']),
  },
  dbPoolSize: {
    env: 'DB_POOL_SIZE',
    default: '10',
    description: 'database connections per process (PostgreSQL, MySQL)',
    schema: integer(1, 1000),
  },
};

/** One row of the configuration table, as documentation shows it. */
export interface SettingRow {
  readonly env: string;
  readonly field: keyof Config;
  /** The default as Markdown: `` `3000` `` or words such as "unset". */
  readonly default: string;
  /** The text used when unset, undefined when the setting then stays unset or is computed. */
  readonly rawDefault: string | undefined;
  readonly description: string;
}

/** The configuration table as data, in `SETTINGS` order. */
export function settingsTable(): SettingRow[] {
  return (Object.keys(SETTINGS) as (keyof SettingValues)[]).map((field) => {
    const setting: Setting<unknown> = SETTINGS[field];
    return {
      env: setting.env,
      field,
      default: setting.documentedDefault ?? (setting.default === undefined ? 'unset' : `\`${setting.default}\``),
      rawDefault: setting.default,
      description: setting.description,
    };
  });
}

/** The configuration table as Markdown, for the README. */
export function settingsMarkdown(): string {
  const rows = settingsTable().map((row) => `| \`${row.env}\` | ${row.description} | ${row.default} |`);
  return ['| variable | meaning | default |', '| --- | --- | --- |', ...rows].join('\n');
}
