/**
 * Fan-out: N subscribers in one room, P publishers at an open-loop rate, stepping the rate up
 * until the server saturates — the highest rate with p99 < 100 ms and no loss.
 */
import { closeClients, openClients, settle, sleep } from '../clients.js';
import type { BenchResult } from '../report/table.js';
import { GENERATOR_BOUND_SHARE, startCpuWindow } from '../measure.js';
import { DeliveryCounter, lossReport } from '../stats/delivery-counter.js';
import type { BenchClient, Target } from '../types.js';
import { benchText, now } from '../types.js';
import type { Scenario } from './scenario.js';
import { latencyMetrics } from './scenario.js';

export interface FanoutParams {
  readonly subscribers: number;
  readonly publishers: number;
  /** Offered message rates to step through (messages/s, all publishers together). */
  readonly rates: readonly number[];
  readonly stepMs: number;
  readonly messageBytes: number;
  /** Passing means p99 below this and no loss. */
  readonly p99LimitMs: number;
}

const ROOM = 'fanout';

export const fanoutScenario: Scenario<FanoutParams> = {
  name: 'fanout',
  targets: ['hubbub', 'hubbub-baseline', 'hubbub-cluster', 'socketio', 'ws'],
  async run(target, params, context) {
    const running = await target.start({ cpu: context.serverCpu, env: context.env(target.name) });
    const counter = new DeliveryCounter();
    const results: BenchResult[] = [];
    try {
      context.status(`fanout ${target.name}: connecting ${params.subscribers} subscribers`);
      const subscribers = await openClients(target, running, { count: params.subscribers, prefix: 'sub', room: () => ROOM, sink: counter, progress: context.progress });
      const publishers = await openClients(target, running, { count: params.publishers, prefix: 'pub', room: () => ROOM, progress: context.progress });
      await warmUp(publishers, counter, params);
      for (const rate of params.rates) {
        context.status(`fanout ${target.name}: N=${params.subscribers} at ${rate} msg/s`);
        const step = await runStep(target, running, publishers, counter, params, rate);
        results.push(step);
        if (step.metrics.passed === 0) break;
      }
      await closeClients([...subscribers, ...publishers]);
    } finally {
      await running.stop();
    }
    return markSaturation(results);
  },
};

/** A few messages first, so JIT warm-up and first-use allocations stay out of the figures. */
async function warmUp(publishers: readonly BenchClient[], counter: DeliveryCounter, params: FanoutParams): Promise<void> {
  for (let i = 0; i < 20; i++) await publishers[i % publishers.length]!.publish(ROOM, benchText(now(), params.messageBytes));
  await settle(() => counter.received, 300, 5000);
}

async function runStep(
  target: Target,
  running: Parameters<typeof startCpuWindow>[0],
  publishers: readonly BenchClient[],
  counter: DeliveryCounter,
  params: FanoutParams,
  rate: number,
): Promise<BenchResult> {
  counter.startWindow();
  const endCpu = await startCpuWindow(running);
  const sent = await publishOpenLoop(publishers, params, rate);
  await settle(() => counter.received, 500, 10_000);
  const cpu = await endCpu();
  const window = counter.endWindow();
  const loss = lossReport({ published: sent.count, subscribers: params.subscribers, received: window.deliveries });
  const latency = window.histogram.summary();
  const passed = loss.lost === 0 && loss.duplicates === 0 && latency.p99 < params.p99LimitMs && sent.failed === 0;
  const notes: string[] = [];
  if (sent.failed > 0) notes.push(`${sent.failed} publishes failed`);
  if (sent.lagMs > 50) notes.push(`publishers fell ${sent.lagMs.toFixed(0)} ms behind the schedule`);
  return {
    scenario: 'fanout',
    target: target.name,
    params: { subscribers: params.subscribers, publishers: params.publishers, rate },
    metrics: {
      offeredPerSec: rate * params.subscribers,
      deliveriesPerSec: window.deliveries / (params.stepMs / 1000),
      lossRatio: loss.lossRatio,
      ...latencyMetrics(latency),
      serverCpu: cpu.serverShare,
      passed: passed ? 1 : 0,
    },
    notes,
    generatorCpu: cpu.generatorShare,
    generatorBound: cpu.generatorShare > GENERATOR_BOUND_SHARE,
  };
}

/**
 * Sends at `rate` messages/s for the step, whatever the server answers (open loop): a ticker
 * sends what is due each millisecond-ish, spreading the load over the publishers in turn.
 */
async function publishOpenLoop(
  publishers: readonly BenchClient[],
  params: FanoutParams,
  rate: number,
): Promise<{ count: number; failed: number; lagMs: number }> {
  const started = performance.now();
  let count = 0;
  let failed = 0;
  let lagMs = 0;
  const pending: Promise<void>[] = [];
  while (performance.now() - started < params.stepMs) {
    const elapsed = performance.now() - started;
    const due = Math.floor((elapsed / 1000) * rate);
    lagMs = Math.max(lagMs, ((due - count) / rate) * 1000);
    while (count < due) {
      const publisher = publishers[count % publishers.length]!;
      pending.push(
        publisher.publish(ROOM, benchText(now(), params.messageBytes)).catch(() => {
          failed++;
        }),
      );
      count++;
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return { count, failed, lagMs };
}

/** Marks the best passing step of a run as the saturation point. */
function markSaturation(results: readonly BenchResult[]): BenchResult[] {
  const best = results.filter((r) => r.metrics.passed === 1).at(-1);
  return results.map((r) => (r === best ? { ...r, metrics: { ...r.metrics, saturation: 1 }, notes: [...r.notes, 'saturation point'] } : r));
}
