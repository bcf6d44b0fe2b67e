/** Operations routes: liveness (`/healthz`), readiness (`/readyz`) and Prometheus (`/metrics`). */
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../obs/metrics.js';

/** The outcome of the readiness checks: each check is `'ok'` or what is wrong. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, 'ok' | string>;
}

/** Asks the dependencies (database, Redis) whether they answer. */
export type Readiness = () => Promise<ReadinessReport>;

/** What the health routes need. */
export interface HealthRoutesDeps {
  readonly readiness: Readiness;
  readonly metrics: Metrics;
}

/** The health routes as a Fastify plugin. */
export function healthRoutes(deps: HealthRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => ({ status: 'ok' }));

    app.get('/readyz', async (request, reply) => {
      let report: ReadinessReport;
      try {
        report = await deps.readiness();
      } catch (error) {
        // A readiness probe that throws is itself a "not ready", not a 500.
        request.log.warn({ err: error }, 'readiness check failed');
        report = { ready: false, checks: { readiness: error instanceof Error ? error.message : String(error) } };
      }
      // "degraded": the database answers but a cluster service does not; the node still serves
      // its own clients, so operators can tell it from a node that cannot serve at all.
      const status = report.ready ? 'ok' : report.checks.database === 'ok' ? 'degraded' : 'unavailable';
      return reply.code(report.ready ? 200 : 503).send({ status, checks: report.checks });
    });

    app.get('/metrics', async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.header('content-type', deps.metrics.registry.contentType).send(text);
    });
  };
}
