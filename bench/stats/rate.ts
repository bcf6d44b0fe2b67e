/**
 * Rate arithmetic for scenarios: events per second over a window, the open-loop send schedule
 * that decides when publishers send (independent of how fast the server answers), and the
 * CPU share that tells whether the load generator itself was the bottleneck.
 */

/** Events per second for `count` events over `durationMs`; NaN when the window is empty. */
export function perSecond(count: number, durationMs: number): number {
  return durationMs > 0 ? (count * 1000) / durationMs : Number.NaN;
}

/**
 * The fraction of `cores` CPUs a process used: `cpuMsDelta` of CPU time (user + system) over
 * `wallMsDelta` of wall time. 1 means every one of those cores was busy the whole time;
 * NaN when no wall time passed.
 */
export function cpuShare(cpuMsDelta: number, wallMsDelta: number, cores = 1): number {
  if (!(cores > 0)) throw new RangeError(`cores must be > 0, got ${cores}`);
  return wallMsDelta > 0 ? cpuMsDelta / (wallMsDelta * cores) : Number.NaN;
}
