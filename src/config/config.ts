/** The server's settings after validation: what every other module reads instead of `process.env`. */

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Origins allowed to call `/api` from a browser: `'*'` for any, else exact origins. */
export type AllowedOrigins = '*' | readonly string[];

/**
 * The validated, deeply frozen configuration. Each field comes from one environment variable
 * (see `SETTINGS` for names and defaults); times carry their unit in the name.
 */
export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  /** A file path, a `sqlite:` URL (`sqlite::memory:` too), a `postgres://` or a `mysql://` URL, as given. */
  readonly databaseUrl: string;
  /** Absolute folder for server-owned files (the generated JWT secret). */
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  /**
   * The namespace of every Redis channel and key of this deployment: `REDIS_PREFIX`, else
   * `hubbub:<db>:` from `REDIS_URL`'s database number.
   */
  readonly redisPrefix: string;
  /** Undefined when unset: `resolveJwtSecret` then generates one (never in production). */
  readonly jwtSecret: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** Accept access tokens for users hubbub has not seen, creating them on first use. */
  readonly externalTokens: boolean;
  readonly allowedOrigins: AllowedOrigins;
  /** Fastify's `trustProxy`: false, true (any hop) or the proxies' addresses/CIDRs. */
  readonly trustProxy: boolean | readonly string[];
  readonly logLevel: LogLevel;
  readonly maxConnectionsPerUser: number;
  /** Open TCP connections per remote address (HTTP and WebSocket); 0 turns the cap off. */
  readonly maxConnectionsPerIp: number;
  /** Messages per second per user (burst twice that); 0 turns the limit off. */
  readonly messageRateLimit: number;
  /** Register/login attempts per minute per IP; 0 turns the limit off. */
  readonly authRateLimit: number;
  /** The zxcvbn score (0-4) a new password must reach; 0 = the length rule alone. */
  readonly passwordMinScore: number;
  /** History pages per second per user (burst twice that); 0 turns the limit off. */
  readonly historyRateLimit: number;
  /** Joins, leaves and invites per minute per user; 0 turns the limit off. */
  readonly membershipRateLimit: number;
  /** New rooms per hour per user; 0 turns the limit off. */
  readonly roomCreateRateLimit: number;
  /** Rooms a user may be a member of. */
  readonly maxRoomsPerUser: number;
  readonly presenceGraceMs: number;
  /** With Redis: a node whose heartbeat is older than this is dead and its users go offline. */
  readonly presenceNodeTimeoutMs: number;
  readonly maxTextLength: number;
  readonly maxFrameBytes: number;
  readonly maxBodyBytes: number;
  /** Outbound bytes queued per connection before it is closed with 4009. */
  readonly sendBufferBytes: number;
  readonly heartbeatIntervalMs: number;
  /** Node's `headersTimeout`: time to send a complete request head, the first one included. */
  readonly headersTimeoutMs: number;
  /** Time a new WebSocket has to send `hello`. */
  readonly helloTimeoutMs: number;
  /** Coalescing window for outbound frames; 0 flushes on the next tick. */
  readonly batchWindowMs: number;
  readonly shutdownTimeoutMs: number;
  readonly dbPoolSize: number;
  /** SQLite's `synchronous` for the message writer: `full` (every commit on disk) or `normal`. */
  readonly sqliteSync: 'full' | 'normal';
}
