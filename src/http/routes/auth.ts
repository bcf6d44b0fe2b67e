/**
 * Account routes: `POST /api/auth/register|login|refresh|logout` and `GET /api/me`.
 * Register and login are rate-limited per client IP, before the body is even parsed.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccountService } from '../../auth/account-service.js';
import type { Metrics } from '../../obs/metrics.js';
import { credentialsBody, loginBody, refreshBody } from '../../protocol/http.js';
import { requireUser } from '../authenticate.js';
import { RateLimitedError, type RateLimiter } from '../rate-limiter.js';

/** What the account routes need. */
export interface AuthRoutesDeps {
  readonly accounts: AccountService;
  /** Register/login attempts, keyed by client IP. */
  readonly limiter: RateLimiter;
  readonly metrics: Metrics;
}

/** The account routes as a Fastify plugin. */
export function authRoutes(deps: AuthRoutesDeps): FastifyPluginAsync {
  const { accounts, limiter, metrics } = deps;

  const limitByIp = async (request: FastifyRequest): Promise<void> => {
    const decision = await limiter.consume(`auth:${request.ip}`);
    if (!decision.allowed) {
      metrics.rateLimitedTotal.inc({ scope: 'auth' });
      throw new RateLimitedError(decision.retryAfterSeconds);
    }
  };

  return async (fastify) => {
    // The schemas type `request.body`: no generic to keep in step with them.
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.post('/api/auth/register', { schema: { body: credentialsBody }, onRequest: limitByIp }, async (request, reply) => {
      const session = await accounts.register(request.body.username, request.body.password);
      return reply.code(201).send(session);
    });

    app.post('/api/auth/login', { schema: { body: loginBody }, onRequest: limitByIp }, async (request) =>
      accounts.login(request.body.username, request.body.password),
    );

    app.post('/api/auth/refresh', { schema: { body: refreshBody } }, async (request) => accounts.refresh(request.body.refreshToken));

    app.post('/api/auth/logout', { schema: { body: refreshBody } }, async (request, reply) => {
      await accounts.logout(request.body.refreshToken);
      return reply.code(204).send();
    });

    app.get('/api/me', async (request) => {
      const user = await requireUser(request);
      return { user: { id: user.id, username: user.username } };
    });
  };
}
