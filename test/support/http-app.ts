/**
 * A real HTTP app over an in-memory SQLite store, with its log output captured, for the HTTP
 * tests.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { SignJWT } from 'jose';
import { AccessTokens } from '../../src/auth/access-tokens.js';
import { AccountService } from '../../src/auth/account-service.js';
import { PasswordPolicy } from '../../src/auth/password-policy.js';
import { RefreshTokens } from '../../src/auth/refresh-tokens.js';
import type { Config } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/obs/logger.js';
import { createMetrics, type Metrics } from '../../src/obs/metrics.js';
import { openStore } from '../../src/store/open-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { createMemoryRateLimiter } from '../../src/engines/memory/memory-rate-limiter.js';
import { createHttpApp } from '../../src/http/app.js';
import type { Readiness } from '../../src/http/routes/health.js';

/** The JWT secret of every test app, for signing "external" tokens. */
export const TEST_SECRET = 'http-test-secret-0123456789-abcdefghijklmnop';

/** A running test app and what it is made of. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: SqlStore;
  readonly config: Config;
  readonly metrics: Metrics;
  /** Everything logged so far, one JSON line per entry. */
  logs(): string;
  close(): Promise<void>;
}

/** What a test varies: settings (as environment variables), readiness, extra routes. */
export interface TestAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly readiness?: Readiness;
  readonly routes?: readonly FastifyPluginAsync[];
}

/** Builds the app as the server would, with `NODE_ENV=test`, `sqlite::memory:` and trace logging. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(
    { NODE_ENV: 'test', DATABASE_URL: 'sqlite::memory:', JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'trace', ...options.env },
    { envFile: false },
  );
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger(config, sink);
  const store = await openStore(config.databaseUrl);
  const metrics = createMetrics();
  const accessTokens = new AccessTokens({ secret: TEST_SECRET, ttlSeconds: config.accessTokenTtlSeconds });
  const refreshTokens = new RefreshTokens(store, { ttlSeconds: config.refreshTokenTtlSeconds });
  const passwordPolicy = await PasswordPolicy.load({ minScore: config.passwordMinScore });
  const accounts = new AccountService({ store, accessTokens, refreshTokens, config, logger, passwordPolicy });
  const app = await createHttpApp({
    config,
    logger,
    metrics,
    accounts,
    // What the single-node server uses.
    authLimiter: createMemoryRateLimiter({ points: config.authRateLimit, durationSeconds: 60 }),
    readiness: options.readiness ?? (async () => ({ ready: true, checks: { database: 'ok' } })),
    routes: options.routes ?? [],
  });
  return {
    app,
    store,
    config,
    metrics,
    logs: () => lines.join(''),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** An access token as an operator's backend would sign it for `username`. */
export async function externalToken(username: string, secret = TEST_SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(username)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(secret));
}
