/**
 * Write coalescing. Frames owed to a connection are queued and written together: one frame per
 * flush (a JSON array when there are several), and one flush per connection per window. This
 * keeps the number of WebSocket frames and socket writes — the dominant cost of fan-out — far
 * below one per event per recipient.
 */

/** Writing may take at most about 1/LOAD_FACTOR of the time under load. */
const LOAD_FACTOR = 4;
/** The longest flush cost the next interval is stretched for. */
const MAX_COST_MS = 25;

/** Something with pending frames to write. */
export interface Flushable {
  flush(): void;
}

/**
 * Collects flushables that have something queued and flushes them all together: at most one
 * flush per `windowMs`. After a quiet spell the next flush happens on the next turn of the
 * event loop, so light traffic pays no latency; under load, flushes come one window apart and
 * each carries everything that gathered meanwhile — fewer, larger writes exactly when writes
 * are the bottleneck. The interval also stretches to `LOAD_FACTOR` times the last flush's
 * duration, so writing never takes more than about 1/LOAD_FACTOR of the event loop: at
 * saturation the writes grow instead of the backlog. Window 0: every turn.
 */
export class FlushScheduler {
  readonly #windowMs: number;
  #dirty: Flushable[] = [];
  #scheduled = false;
  #lastFlush = Number.NEGATIVE_INFINITY;
  #lastCostMs = 0;
  readonly #run = (): void => this.flushAll();
  #urgent: Flushable[] = [];
  #urgentScheduled = false;
  readonly #runUrgent = (): void => {
    this.#urgentScheduled = false;
    const urgent = this.#urgent;
    this.#urgent = [];
    for (const target of urgent) target.flush();
  };
  /** The frames last encoded, and their encoding: see `encode`. */
  #lastFrames: readonly string[] | undefined;
  #lastPayload: Uint8Array | undefined;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Queues a flush of `target`; the caller makes sure it is queued at most once per window. */
  schedule(target: Flushable): void {
    this.#dirty.push(target);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const interval = this.#windowMs === 0 ? 0 : Math.max(this.#windowMs, LOAD_FACTOR * this.#lastCostMs);
    const wait = this.#lastFlush + interval - performance.now();
    if (wait > 0) setTimeout(this.#run, wait);
    else setImmediate(this.#run);
  }

  /**
   * Flushes `target` on the next turn, outside the window: for answers to a client's own
   * commands, which it is waiting for. They cost one write per command — bounded by the
   * client's own rate — while the window exists for fan-out, where writes multiply.
   */
  scheduleUrgent(target: Flushable): void {
    this.#urgent.push(target);
    if (this.#urgentScheduled) return;
    this.#urgentScheduled = true;
    setImmediate(this.#runUrgent);
  }

  flushAll(): void {
    this.#scheduled = false;
    const started = performance.now();
    this.#lastFlush = started;
    const dirty = this.#dirty;
    this.#dirty = [];
    for (const target of dirty) target.flush();
    this.#lastFrames = undefined;
    this.#lastPayload = undefined;
    // Capped so that one slow flush (a GC pause) cannot hold the next one back for long.
    this.#lastCostMs = Math.min(performance.now() - started, MAX_COST_MS);
  }

  /**
   * The UTF-8 payload of one coalesced write. Members of the same room are usually owed the
   * very same events in the same order, so the previous session's payload is reused when the
   * queue holds the same frames (a reference comparison per frame): a room's broadcast is
   * joined and encoded once per flush, not once per recipient.
   */
  encode(frames: readonly string[]): Uint8Array {
    const last = this.#lastFrames;
    if (last !== undefined && last.length === frames.length && sameFrames(last, frames)) return this.#lastPayload!;
    const payload = Buffer.from(coalesce(frames), 'utf8');
    this.#lastFrames = frames;
    this.#lastPayload = payload;
    return payload;
  }
}

function sameFrames(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Joins queued frames into one: a single event is sent as it is, several as a JSON array
 * (the contract lets clients receive either).
 */
export function coalesce(frames: readonly string[]): string {
  return frames.length === 1 ? frames[0]! : `[${frames.join(',')}]`;
}
