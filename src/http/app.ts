/**
 * The HTTP application: Fastify with hubbub's logging, request ids, zod validation, error
 * shape, CORS and metrics, the account and health routes, and any further route plugins.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { AccountService } from '../auth/account-service.js';
import type { Config } from '../config/config.js';
import type { Metrics } from '../obs/metrics.js';
// For its `accounts` decoration type, which `requireUser` reads.
import './authenticate.js';
import { registerCors } from './cors.js';
import { registerErrorHandlers } from './error-handler.js';
import type { RateLimiter } from './rate-limiter.js';
import { REQUEST_ID_HEADER, genReqId } from './request-id.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes, type Readiness } from './routes/health.js';

/** Longest time to receive one whole request (ms). */
const REQUEST_TIMEOUT_MS = 60_000;

/** Everything `createHttpApp` needs. */
export interface HttpAppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly accounts: AccountService;
  readonly readiness: Readiness;
  /** More route plugins (rooms, …), registered after the built-in ones. */
  readonly routes?: readonly FastifyPluginAsync[];
  /**
   * Register/login attempts keyed by client IP (`AUTH_RATE_LIMIT` per minute). Which engine
   * counts them (memory, Redis) is the composition root's choice, not the HTTP layer's.
   */
  readonly authLimiter: RateLimiter;
}

/** Builds the Fastify app (not listening yet: call `listen`, or `inject` in tests). */
export async function createHttpApp(deps: HttpAppDeps): Promise<FastifyInstance> {
  const { config, metrics } = deps;
  // Typed as Fastify's base logger so the app is a plain FastifyInstance other plugins accept.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    genReqId,
    bodyLimit: config.maxBodyBytes,
    http: {
      // A connection that opens and says nothing (or stops mid-headers) is closed after this,
      // instead of Node's 60 s; Node looks every second rather than every 30 s.
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    // The whole request, body included (Fastify's default is no limit: a slow sender could
    // hold a connection forever). Bodies are small; HEADERS_TIMEOUT_MS is at most this.
    requestTimeout: REQUEST_TIMEOUT_MS,
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
  });

  app.decorate('accounts', deps.accounts);
  // Routes declare zod schemas (`schema: { body: credentialsBody }`): requests are parsed with
  // them (a failure is a 400 whose message the error handler words), and replies are encoded
  // with them, so fields a response schema does not name never leave the server.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app, config.maxBodyBytes);

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, keeps the label set small.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestsTotal.inc({ method: request.method, route, status: String(reply.statusCode) });
  });
  await registerCors(app, config.allowedOrigins);

  await app.register(healthRoutes({ readiness: deps.readiness, metrics }));
  await app.register(authRoutes({ accounts: deps.accounts, limiter: deps.authLimiter, metrics }));
  for (const plugin of deps.routes ?? []) await app.register(plugin);
  return app;
}
