/** The charts docs/benchmarks.md shows, built from a run's results. */
import type { BenchResult } from './table.js';
import { barChart, lineChart } from './svg.js';

/** A target's label, with hubbub's coalescing window when several were compared. */
function label(row: BenchResult): string {
  const window = row.params.batchWindowMs;
  return window === undefined ? row.target : `${row.target} (window ${window} ms)`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}

/** [file name, SVG] for every chart the results allow. */
export function writeCharts(results: readonly BenchResult[]): [string, string][] {
  const charts: [string, string][] = [];

  const fanout = results.filter((r) => r.scenario === 'fanout');
  for (const [subscribers, rows] of groupBy(fanout, (r) => String(r.params.subscribers))) {
    const series = [...groupBy(rows, label)].map(([name, points]) => ({
      name,
      points: points.map((r) => [r.metrics.offeredPerSec ?? 0, r.metrics.deliveriesPerSec ?? 0] as const),
    }));
    charts.push([
      `fanout-${subscribers}.svg`,
      lineChart({ title: `Fan-out to ${subscribers} subscribers`, xLabel: 'offered deliveries/s', yLabel: 'deliveries/s', series, logX: true, logY: true }),
    ]);
    const latency = [...groupBy(rows, label)].map(([name, points]) => ({
      name,
      points: points.map((r) => [r.metrics.offeredPerSec ?? 0, r.metrics.p99 ?? 0] as const),
    }));
    charts.push([
      `fanout-${subscribers}-p99.svg`,
      lineChart({ title: `Fan-out to ${subscribers}: p99 latency`, xLabel: 'offered deliveries/s', yLabel: 'p99 (ms)', series: latency, logX: true, logY: true }),
    ]);
  }

  const rooms = results.filter((r) => r.scenario === 'rooms');
  if (rooms.length > 0) {
    const groups = [...groupBy(rooms, (r) => `${r.params.clients} clients`)].flatMap(([clients, rows]) =>
      (['p50', 'p99'] as const).map((p) => ({ label: `${clients} ${p}`, bars: rows.map((r) => ({ name: label(r), value: r.metrics[p] ?? 0 })) })),
    );
    charts.push(['rooms-latency.svg', barChart({ title: 'Rooms of 10, 1 msg/s per client: latency', yLabel: 'ms', groups })]);
  }

  const idle = results.filter((r) => r.scenario === 'idle');
  if (idle.length > 0) {
    const groups = [...groupBy(idle, (r) => `${r.params.connections} connections`)].map(([connections, rows]) => ({
      label: connections,
      bars: rows.map((r) => ({ name: label(r), value: r.metrics.kibPerConn ?? 0 })),
    }));
    charts.push(['idle-memory.svg', barChart({ title: 'Server memory per idle, joined connection', yLabel: 'KiB per connection', groups })]);
  }
  return charts;
}
