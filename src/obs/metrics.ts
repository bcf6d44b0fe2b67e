/**
 * The server's Prometheus metrics, in a registry of their own rather than prom-client's global
 * one, so that several servers (in tests) each count for themselves.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric the server records, and the registry `/metrics` exposes. */
export interface Metrics {
  readonly registry: Registry;
  /** Open WebSocket connections. */
  readonly connections: Gauge;
  /** WebSocket connection attempts by `result` (`accepted`, `unauthorized`, `limited`, …). */
  readonly connectionsTotal: Counter<'result'>;
  /** Closed connections by `reason` (`client`, `slow`, `expired`, `shutdown`, …). */
  readonly disconnectionsTotal: Counter<'reason'>;
  /** Messages accepted and stored. */
  readonly messagesTotal: Counter;
  /** Message events handed to connections (one per recipient connection). */
  readonly deliveriesTotal: Counter;
  /** WebSocket frames written (a batched frame counts once). */
  readonly framesOutTotal: Counter;
  /** Client commands by `type` and `result` (`ok` or an error code). */
  readonly commandsTotal: Counter<'type' | 'result'>;
  /** Messages per group commit. */
  readonly storeBatchSize: Histogram;
  /** Duration of one group commit. */
  readonly storeCommitSeconds: Histogram;
  /** HTTP requests by `method`, `route` (the route pattern, not the URL) and `status`. */
  readonly httpRequestsTotal: Counter<'method' | 'route' | 'status'>;
  /** Connections closed because their send buffer overflowed (4009). */
  readonly slowDisconnectsTotal: Counter;
  /** Requests or commands refused by a rate limit, by `scope` (`auth`, `message`, …). */
  readonly rateLimitedTotal: Counter<'scope'>;
  /** Messages the broker lost that were read back from the store, and failed repairs. */
  readonly gapRecoveredTotal: Counter;
  readonly gapRepairFailuresTotal: Counter;
}

/** A fresh registry with the default process metrics and every hubbub metric registered. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({ name: 'hubbub_connections', help: 'Open WebSocket connections', registers }),
    connectionsTotal: new Counter({
      name: 'hubbub_connections_total',
      help: 'WebSocket connection attempts by result',
      labelNames: ['result'] as const,
      registers,
    }),
    disconnectionsTotal: new Counter({
      name: 'hubbub_disconnections_total',
      help: 'Closed WebSocket connections by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    messagesTotal: new Counter({ name: 'hubbub_messages_total', help: 'Messages accepted and stored', registers }),
    deliveriesTotal: new Counter({ name: 'hubbub_deliveries_total', help: 'Message events handed to connections', registers }),
    framesOutTotal: new Counter({ name: 'hubbub_frames_out_total', help: 'WebSocket frames written', registers }),
    commandsTotal: new Counter({
      name: 'hubbub_commands_total',
      help: 'Client commands by type and result',
      labelNames: ['type', 'result'] as const,
      registers,
    }),
    storeBatchSize: new Histogram({
      name: 'hubbub_store_batch_size',
      help: 'Messages per group commit',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    }),
    storeCommitSeconds: new Histogram({
      name: 'hubbub_store_commit_seconds',
      help: 'Duration of one group commit in seconds',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    httpRequestsTotal: new Counter({
      name: 'hubbub_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    slowDisconnectsTotal: new Counter({
      name: 'hubbub_slow_disconnects_total',
      help: 'Connections closed because the client read too slowly (4009)',
      registers,
    }),
    rateLimitedTotal: new Counter({
      name: 'hubbub_rate_limited_total',
      help: 'Requests or commands refused by a rate limit, by scope',
      labelNames: ['scope'] as const,
      registers,
    }),
    gapRecoveredTotal: new Counter({
      name: 'hubbub_gap_recovered_messages_total',
      help: 'Messages lost by the broker and read back from the store before delivery',
      registers,
    }),
    gapRepairFailuresTotal: new Counter({
      name: 'hubbub_gap_repair_failures_total',
      help: 'Gap repairs that could not read the store',
      registers,
    }),
  };
}
