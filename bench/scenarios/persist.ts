/**
 * Durable sends: 100 concurrent senders, each sending its next message when the previous one is
 * acknowledged (an ack means committed). Measures durable acks/s and ack latency, on SQLite,
 * PostgreSQL and MySQL. hubbub only: the comparison servers store nothing.
 */
import { closeClients, openClients } from '../clients.js';
import { GENERATOR_BOUND_SHARE, startCpuWindow } from '../measure.js';
import type { BenchResult } from '../report/table.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { benchText, now } from '../types.js';
import type { Scenario } from './scenario.js';
import { latencyMetrics } from './scenario.js';
import { databaseFor, type DatabaseKind } from './databases.js';

export interface PersistParams {
  readonly database: DatabaseKind;
  readonly senders: number;
  readonly durationMs: number;
  readonly messageBytes: number;
  /** Senders per room (the rooms' seq counters are what commits contend on). */
  readonly sendersPerRoom: number;
}

export const persistScenario: Scenario<PersistParams> = {
  name: 'persist',
  targets: ['hubbub', 'hubbub-baseline'],
  async run(target, params, context) {
    const database = await databaseFor(params.database);
    const running = await target.start({ cpu: context.serverCpu, env: { ...context.env(target.name), DATABASE_URL: database.url } });
    try {
      const roomOf = (i: number): string => `persist-${Math.floor(i / params.sendersPerRoom)}`;
      const senders = await openClients(target, running, { count: params.senders, prefix: 'writer', room: roomOf, progress: context.progress });
      context.status(`persist ${target.name} on ${params.database}: ${params.senders} senders for ${params.durationMs / 1000} s`);
      const latency = new LatencyHistogram();
      let acks = 0;
      let failed = 0;
      const endCpu = await startCpuWindow(running);
      const started = performance.now();
      await Promise.all(
        senders.map(async (sender, i) => {
          while (performance.now() - started < params.durationMs) {
            const sentAt = now();
            try {
              await sender.publish(roomOf(i), benchText(sentAt, params.messageBytes));
              latency.record(now() - sentAt);
              acks++;
            } catch {
              failed++;
            }
          }
        }),
      );
      const elapsedMs = performance.now() - started;
      const cpu = await endCpu();
      await closeClients(senders);
      const result: BenchResult = {
        scenario: 'persist',
        target: target.name,
        params: { database: params.database, senders: params.senders },
        metrics: { acksPerSec: acks / (elapsedMs / 1000), ...latencyMetrics(latency.summary()), serverCpu: cpu.serverShare },
        notes: failed > 0 ? [`${failed} sends failed`] : [],
        generatorCpu: cpu.generatorShare,
        generatorBound: cpu.generatorShare > GENERATOR_BOUND_SHARE,
      };
      return [result];
    } finally {
      await running.stop();
      await database.drop();
    }
  },
};
