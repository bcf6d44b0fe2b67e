/**
 * The composition root: the one place that picks implementations (SQL store, memory or Redis
 * engines, WebSocket transport, Fastify) and wires them to the core. Everything else depends on
 * interfaces.
 */
import type { FastifyInstance } from 'fastify';
import { AccessTokens } from './auth/access-tokens.js';
import { AccountService } from './auth/account-service.js';
import { PasswordPolicy } from './auth/password-policy.js';
import { RefreshTokens } from './auth/refresh-tokens.js';
import type { Config } from './config/config.js';
import { resolveJwtSecret } from './config/jwt-secret.js';
import { Hub } from './core/hub.js';
import type { Logger } from './core/logger.js';
import type { RateLimits } from './core/commands/command.js';
import type { HubObserver } from './core/observer.js';
import type { SessionEnd } from './core/session.js';
import { CLOSE_CODES } from './protocol/codes.js';
import type { TokenVerifier } from './core/token-verifier.js';
import { createEngines } from './engines.js';
import { createHttpApp } from './http/app.js';
import { ConnectionTracker } from './http/connection-tracker.js';
import { roomRoutes } from './http/routes/rooms.js';
import { userRoutes } from './http/routes/users.js';
import { activityRoutes } from './http/routes/activity.js';
import { defaultWebDistDir, webRoutes } from './http/routes/web.js';
import { createLogger, type PinoLogger } from './obs/logger.js';
import { createMetrics, type Metrics } from './obs/metrics.js';
import { openStore } from './store/open-store.js';
import type { SqlStore } from './store/sql-store.js';
import { WsServer } from './transport/ws-server.js';

export interface RunningServer {
  /** `http://host:port` as bound (the real port when PORT=0). */
  readonly url: string;
  readonly port: number;
  readonly hub: Hub;
  readonly app: FastifyInstance;
  readonly store: SqlStore;
  readonly metrics: Metrics;
  readonly logger: PinoLogger;
  /** Graceful stop: refuse new work, let acks out, close sockets with 1001, close the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** A logger to use instead of one built from the config (tests capture output this way). */
  readonly logger?: PinoLogger;
}

/** Something `startServer` opened, and how to close it if a later step fails. */
interface OpenedResource {
  readonly what: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  const secret = await resolveJwtSecret(config, logger);
  const store = await openStore(config.databaseUrl, { poolSize: config.dbPoolSize, sqliteSync: config.sqliteSync, logger });
  // From here on, each step that opens something registers how to close it: when a later step
  // fails (the port is taken, Redis does not answer), what is open is closed, newest first, and
  // the error goes on. Otherwise the store's writer thread and the Redis clients would keep a
  // process that caught the error alive, and hold the database.
  const opened: OpenedResource[] = [{ what: 'store', close: () => store.close() }];
  try {
    return await wire(config, logger, secret, store, opened);
  } catch (error) {
    for (const resource of opened.reverse()) {
      await resource.close().catch((closeError: unknown) => logger.warn({ err: closeError, what: resource.what }, 'cleanup after a failed start failed'));
    }
    throw error;
  }
}

/** Everything after the store: engines, hub, HTTP and WebSocket servers, listening. */
async function wire(
  config: Config,
  logger: PinoLogger,
  secret: string,
  store: SqlStore,
  opened: OpenedResource[],
): Promise<RunningServer> {
  const metrics = createMetrics();

  const accessTokens = new AccessTokens({ secret, ttlSeconds: config.accessTokenTtlSeconds });
  const refreshTokens = new RefreshTokens(store, { ttlSeconds: config.refreshTokenTtlSeconds });
  // Loaded here, once: the estimator ranks its dictionaries when it is made (about 100 ms).
  const passwordPolicy = await PasswordPolicy.load({ minScore: config.passwordMinScore });
  const accounts = new AccountService({ store, accessTokens, refreshTokens, config, logger, passwordPolicy });
  const tokens: TokenVerifier = { verify: (token) => accounts.authenticateToken(token) };

  const engines = await createEngines(config, logger as Logger, metrics.registry);
  opened.push({ what: 'engines', close: () => engines.close() });
  // Per-user limits, shared by the WebSocket commands and the HTTP routes. "N per second,
  // burst twice that" is 2N over two seconds.
  const limits: RateLimits = {
    message: engines.limiter('send', config.messageRateLimit * 2, 2),
    history: engines.limiter('history', config.historyRateLimit * 2, 2),
    membership: engines.limiter('membership', config.membershipRateLimit, 60),
  };
  const hub = new Hub(
    {
      store,
      broker: engines.broker,
      presence: engines.presence,
      tokens,
      limits,
      roomCreationLimiter: engines.limiter('rooms', config.roomCreateRateLimit, 3600),
      maxRoomsPerUser: config.maxRoomsPerUser,
      logger: logger as Logger,
      observer: metricsObserver(metrics),
    },
    {
      sendBufferBytes: config.sendBufferBytes,
      batchWindowMs: config.batchWindowMs,
      helloTimeoutMs: config.helloTimeoutMs,
      maxConnectionsPerUser: config.maxConnectionsPerUser,
      maxTextLength: config.maxTextLength,
      // SQLite has one writer: concurrent batches would only split the batches (one fsync
      // each). PostgreSQL commits rooms in parallel.
      commitConcurrency: store.dialect === 'sqlite' ? 1 : 4,
    },
  );
  await hub.start();
  opened.push({ what: 'hub', close: () => hub.shutdown() });

  const app = await createHttpApp({
    config,
    logger,
    metrics,
    accounts,
    authLimiter: engines.limiter('auth', config.authRateLimit, 60),
    readiness: async () => {
      const checks: Record<string, string> = { database: 'ok', ...(await engines.readiness()) };
      try {
        await store.ping();
      } catch (error) {
        checks.database = error instanceof Error ? error.message : 'unreachable';
      }
      return { ready: Object.values(checks).every((value) => value === 'ok'), checks };
    },
    routes: [
      roomRoutes({ rooms: hub.rooms, presence: engines.presence, limits }),
      activityRoutes({ rooms: hub.rooms, limits }),
      userRoutes({ users: store, presence: engines.presence, limits }),
      webRoutes({ distDir: defaultWebDistDir() }),
    ],
  });
  opened.push({ what: 'http', close: () => app.close() });
  const connections = new ConnectionTracker(app.server, { maxPerAddress: config.maxConnectionsPerIp, logger });
  const ws = new WsServer(app.server, hub, logger as Logger, {
    path: '/ws',
    maxFrameBytes: config.maxFrameBytes,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    allowedOrigins: config.allowedOrigins === '*' ? undefined : config.allowedOrigins,
  });
  opened.push({ what: 'websockets', close: () => ws.close() });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  logger.info({ url, database: store.dialect, nodeId: engines.nodeId, cluster: config.redisUrl !== undefined }, 'hubbub is listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      logger.info({}, 'shutting down');
      ws.stopAccepting();
      await hub.shutdown();
      await ws.close();
      // Connections that never completed a request (preconnects, probes, half-sent headers)
      // would otherwise hold app.close() until the shutdown timeout.
      connections.closeUnused();
      await app.close();
      await engines.close();
      await store.close();
      logger.info({}, 'stopped');
    })());

  return { url, port, hub, app, store, metrics, logger, close };
}

/** Reports the core's events as Prometheus metrics. */
function metricsObserver(metrics: Metrics): HubObserver {
  return {
    sessionOpened: () => {
      metrics.connections.inc();
      metrics.connectionsTotal.inc({ result: 'accepted' });
    },
    sessionClosed: (end) => {
      metrics.connections.dec();
      metrics.disconnectionsTotal.inc({ reason: closeLabel(end) });
    },
    command: (type, outcome) => metrics.commandsTotal.inc({ type, result: outcome }),
    messagesStored: (count) => metrics.messagesTotal.inc(count),
    delivered: (count) => {
      if (count > 0) metrics.deliveriesTotal.inc(count);
    },
    commitBatch: (size, ms) => {
      metrics.storeBatchSize.observe(size);
      metrics.storeCommitSeconds.observe(ms / 1000);
    },
    slowDisconnect: () => metrics.slowDisconnectsTotal.inc(),
    rateLimited: (scope) => metrics.rateLimitedTotal.inc({ scope }),
    gapRepair: (recovered) => {
      if (recovered < 0) metrics.gapRepairFailuresTotal.inc();
      else if (recovered > 0) metrics.gapRecoveredTotal.inc(recovered);
    },
  };
}

/** The metric label of a session's end, by close code: a small fixed set. */
const SERVER_CLOSE_LABELS: Readonly<Record<number, string>> = {
  [CLOSE_CODES.goingAway]: 'shutdown',
  [CLOSE_CODES.protocolError]: 'protocol_error',
  1006: 'heartbeat',
  [CLOSE_CODES.invalidPayload]: 'invalid_payload',
  [CLOSE_CODES.frameTooBig]: 'too_big',
  [CLOSE_CODES.serverError]: 'error',
  [CLOSE_CODES.unauthorized]: 'unauthorized',
  [CLOSE_CODES.forbidden]: 'forbidden',
  [CLOSE_CODES.policy]: 'limited',
  [CLOSE_CODES.tooSlow]: 'slow',
  [CLOSE_CODES.tokenExpired]: 'expired',
};

/** Closes by the server are labelled by their code; every close by the peer is the client's. */
export function closeLabel(end: SessionEnd): string {
  return end.by === 'server' ? (SERVER_CLOSE_LABELS[end.code] ?? 'other') : 'client';
}
