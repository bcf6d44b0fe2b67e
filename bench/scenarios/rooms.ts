/**
 * Many small rooms: C clients in rooms of 10, each client sending one message per second (the
 * sends spread evenly over each second). Measures deliveries/s and end-to-end latency; for
 * hubbub every message is also durably acknowledged.
 */
import { closeClients, openClients, settle, sleep } from '../clients.js';
import { GENERATOR_BOUND_SHARE, startCpuWindow } from '../measure.js';
import type { BenchResult } from '../report/table.js';
import { DeliveryCounter, lossReport } from '../stats/delivery-counter.js';
import { benchText, now } from '../types.js';
import type { Scenario } from './scenario.js';
import { latencyMetrics } from './scenario.js';

export interface RoomsParams {
  readonly clients: number;
  readonly roomSize: number;
  readonly durationMs: number;
  readonly messageBytes: number;
}

export const roomsScenario: Scenario<RoomsParams> = {
  name: 'rooms',
  targets: ['hubbub', 'hubbub-baseline', 'hubbub-cluster', 'socketio', 'ws'],
  async run(target, params, context) {
    const running = await target.start({ cpu: context.serverCpu, env: context.env(target.name) });
    const counter = new DeliveryCounter();
    try {
      context.status(`rooms ${target.name}: connecting ${params.clients} clients`);
      const roomOf = (i: number): string => `room-${Math.floor(i / params.roomSize)}`;
      const clients = await openClients(target, running, { count: params.clients, prefix: 'member', room: roomOf, sink: counter, progress: context.progress });
      context.status(`rooms ${target.name}: ${params.clients} clients sending 1 msg/s for ${params.durationMs / 1000} s`);
      counter.startWindow();
      const endCpu = await startCpuWindow(running);
      let sent = 0;
      let acked = 0;
      let failed = 0;
      const pending: Promise<void>[] = [];
      const started = performance.now();
      // Client i sends at i/C of every second: an even 1 msg/s each, C msg/s in all.
      while (performance.now() - started < params.durationMs) {
        const due = Math.floor(((performance.now() - started) / 1000) * params.clients);
        while (sent < due) {
          const index = sent % params.clients;
          pending.push(
            clients[index]!.publish(roomOf(index), benchText(now(), params.messageBytes)).then(
              () => {
                acked++;
              },
              () => {
                failed++;
              },
            ),
          );
          sent++;
        }
        await sleep(1);
      }
      await Promise.all(pending);
      await settle(() => counter.received, 500, 10_000);
      const cpu = await endCpu();
      const window = counter.endWindow();
      // Every member of a room, the sender included, receives each message of the room.
      const loss = lossReport({ published: sent, subscribers: params.roomSize, received: window.deliveries });
      await closeClients(clients);
      const result: BenchResult = {
        scenario: 'rooms',
        target: target.name,
        params: { clients: params.clients, roomSize: params.roomSize },
        metrics: {
          deliveriesPerSec: window.deliveries / (params.durationMs / 1000),
          lossRatio: loss.lossRatio,
          ...latencyMetrics(window.histogram.summary()),
          ackedRatio: sent === 0 ? 0 : acked / sent,
          serverCpu: cpu.serverShare,
        },
        notes: failed > 0 ? [`${failed} sends failed`] : [],
        generatorCpu: cpu.generatorShare,
        generatorBound: cpu.generatorShare > GENERATOR_BOUND_SHARE,
      };
      return [result];
    } finally {
      await running.stop();
    }
  },
};
