/**
 * CPU accounting for a measurement window: the load generator's own share of its core (when it
 * is near 100 %, the generator — not the server — limited the figure, which is then a lower
 * bound) and the server's share of its core.
 */
import { cpuShare } from './stats/rate.js';
import type { RunningTarget } from './types.js';

export interface CpuWindow {
  readonly wallMs: number;
  /** Generator CPU time / wall time (1 = one core fully busy). */
  readonly generatorShare: number;
  /** Server CPU time / wall time. */
  readonly serverShare: number;
}

/** A generator share above this means the generator was (close to) saturated. */
export const GENERATOR_BOUND_SHARE = 0.9;

/** Starts a window; the returned function ends it. */
export async function startCpuWindow(server: RunningTarget): Promise<() => Promise<CpuWindow>> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const serverStart = await server.cpuMs();
  return async () => {
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    const serverMs = (await server.cpuMs()) - serverStart;
    return { wallMs, generatorShare: cpuShare((cpu.user + cpu.system) / 1000, wallMs), serverShare: cpuShare(serverMs, wallMs) };
  };
}
