/**
 * Idle connections: C authenticated clients, each joined to a room, and nothing else. Measures
 * the server's resident memory per connection and how fast connections are accepted.
 */
import { closeClients, openClients, sleep } from '../clients.js';
import { GENERATOR_BOUND_SHARE, startCpuWindow } from '../measure.js';
import type { BenchResult } from '../report/table.js';
import type { Scenario } from './scenario.js';

export interface IdleParams {
  readonly connections: number;
  /** Clients per room. */
  readonly roomSize: number;
}

/** Connections opened before the baseline, so code paths and pools are warm. */
const WARM_UP = 200;

export const idleScenario: Scenario<IdleParams> = {
  name: 'idle',
  targets: ['hubbub', 'hubbub-baseline', 'hubbub-cluster', 'socketio', 'ws'],
  async run(target, params, context) {
    const running = await target.start({ cpu: context.serverCpu, env: context.env(target.name) });
    try {
      const roomOf = (i: number): string => `idle-${Math.floor(i / params.roomSize)}`;
      const warm = await openClients(target, running, { count: WARM_UP, prefix: 'warm', room: () => 'warm-up', progress: context.progress });
      await sleep(1000);
      const before = await running.rssBytes();
      context.status(`idle ${target.name}: opening ${params.connections} connections`);
      const endCpu = await startCpuWindow(running);
      const started = performance.now();
      const clients = await openClients(target, running, { count: params.connections, prefix: 'idle', room: roomOf, concurrency: 200, progress: context.progress });
      const connectMs = performance.now() - started;
      const cpu = await endCpu();
      await sleep(2000); // let allocations settle before reading RSS
      const after = await running.rssBytes();
      await closeClients([...clients, ...warm]);
      const result: BenchResult = {
        scenario: 'idle',
        target: target.name,
        params: { connections: params.connections },
        metrics: {
          kibPerConn: (after - before) / 1024 / params.connections,
          connectsPerSec: params.connections / (connectMs / 1000),
          rssMiB: after / 1024 / 1024,
          serverCpu: cpu.serverShare,
        },
        notes: [],
        generatorCpu: cpu.generatorShare,
        generatorBound: cpu.generatorShare > GENERATOR_BOUND_SHARE,
      };
      return [result];
    } finally {
      await running.stop();
    }
  },
};
