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
 * An open-loop schedule: for each publisher, the times (ms offsets from the start, ascending)
 * at which it sends. The total of ⌊rate · duration / 1000⌉ sends is laid out on one global
 * grid of 1000 / rate ms and dealt round-robin, so publisher j sends at j, j + P, j + 2P, …
 * grid steps: each publisher keeps an even interval of P grid steps, and the publishers are
 * staggered by one step so their sends do not fire on the same timer tick. Every time lies in
 * [0, durationMs). Times are computed as k · step, not by accumulation, so they do not drift.
 */
export function openLoopSchedule(ratePerSecond: number, durationMs: number, publishers: number): number[][] {
  if (!(ratePerSecond >= 0 && Number.isFinite(ratePerSecond))) {
    throw new RangeError(`rate must be a finite number ≥ 0, got ${ratePerSecond}`);
  }
  if (!(durationMs >= 0 && Number.isFinite(durationMs))) {
    throw new RangeError(`duration must be a finite number ≥ 0, got ${durationMs}`);
  }
  if (!Number.isInteger(publishers) || publishers < 1) {
    throw new RangeError(`publishers must be an integer ≥ 1, got ${publishers}`);
  }
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const schedule: number[][] = Array.from({ length: publishers }, () => []);
  if (total === 0) return schedule;
  const stepMs = 1000 / ratePerSecond;
  for (let j = 0; j < publishers; j++) {
    const times = schedule[j] ?? [];
    for (let k = j; k < total; k += publishers) times.push(k * stepMs);
  }
  return schedule;
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
