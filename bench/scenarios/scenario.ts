/** What every scenario gets and gives back. */
import type { Progress } from '../report/progress.js';
import type { BenchResult } from '../report/table.js';
import type { Target, TargetName } from '../types.js';

export interface ScenarioContext {
  /** CPU to pin servers to (undefined: unpinned). */
  readonly serverCpu: number | undefined;
  /** Extra server environment per target (hubbub: BATCH_WINDOW_MS …). */
  readonly env: (target: TargetName) => Record<string, string>;
  /** A progress line for the operator (stderr). */
  readonly status: (text: string) => void;
  /** A progress bar for long steps (connecting thousands of clients). */
  readonly progress: Progress;
}

export interface Scenario<P> {
  readonly name: string;
  /** Targets the scenario applies to (history needs a store: hubbub only). */
  readonly targets: readonly TargetName[];
  run(target: Target, params: P, context: ScenarioContext): Promise<BenchResult[]>;
}

/** Latency summary fields as result metrics (ms). */
export function latencyMetrics(summary: { p50: number; p95: number; p99: number; max: number; mean: number }): Record<string, number> {
  return { p50: summary.p50, p95: summary.p95, p99: summary.p99, max: summary.max, mean: summary.mean };
}
