/**
 * Delivery accounting for fan-out scenarios: a sink that drivers feed with each received
 * message's send time (latency and count, in total and over a steady-state window), and the
 * pure arithmetic that turns published × subscribers versus received into loss and duplicates.
 */
import { now, type DeliverySink } from '../types.js';
import { LatencyHistogram } from './latency-histogram.js';
import { perSecond } from './rate.js';

/** What a measurement window saw: deliveries that arrived between `startWindow` and `endWindow`. */
export interface DeliveryWindow {
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly durationMs: number;
  readonly deliveries: number;
  /** Deliveries per second over the window. */
  readonly deliveriesPerSec: number;
  /** Latencies of the window's deliveries only; owned by the caller from now on. */
  readonly histogram: LatencyHistogram;
}

/**
 * A `DeliverySink` that measures each delivery's latency (`clock() - sentAtMs`) and counts it.
 * Totals run from construction; a window, when open, counts the same deliveries a second time
 * so a scenario can leave out the warm-up and ramp-down. A delivery belongs to the window it
 * arrives in, whenever it was sent.
 */
export class DeliveryCounter implements DeliverySink {
  /** Latencies of every delivery so far. */
  readonly histogram = new LatencyHistogram();
  readonly #clock: () => number;
  #received = 0;
  #window: LatencyHistogram | undefined;
  #windowReceived = 0;
  #windowStartedAt = 0;

  /** `clock` defaults to the publisher's clock; tests pass a fake one. */
  constructor(clock: () => number = now) {
    this.#clock = clock;
  }

  /** Called by a driver once per message received. O(1), allocation-free. */
  deliver(sentAtMs: number): void {
    // An unparseable send time (NaN) still counts as received; the histogram counts it as invalid.
    const latency = this.#clock() - sentAtMs;
    this.#received++;
    this.histogram.record(latency);
    if (this.#window !== undefined) {
      this.#windowReceived++;
      this.#window.record(latency);
    }
  }

  /** Deliveries since construction (or the last `reset`). */
  get received(): number {
    return this.#received;
  }

  /** Whether a window is open. */
  get windowOpen(): boolean {
    return this.#window !== undefined;
  }

  /** Opens a measurement window, discarding one that is still open. */
  startWindow(): void {
    // A fresh histogram per window, so the one handed out by endWindow is never reused.
    this.#window = new LatencyHistogram();
    this.#windowReceived = 0;
    this.#windowStartedAt = this.#clock();
  }

  /** Closes the open window and returns what it saw; throws when no window is open. */
  endWindow(): DeliveryWindow {
    const histogram = this.#window;
    if (histogram === undefined) throw new Error('endWindow() without startWindow()');
    const endedAtMs = this.#clock();
    const durationMs = endedAtMs - this.#windowStartedAt;
    this.#window = undefined;
    return {
      startedAtMs: this.#windowStartedAt,
      endedAtMs,
      durationMs,
      deliveries: this.#windowReceived,
      deliveriesPerSec: perSecond(this.#windowReceived, durationMs),
      histogram,
    };
  }

  /** Zeroes the totals and closes any open window. */
  reset(): void {
    this.histogram.reset();
    this.#received = 0;
    this.#window = undefined;
    this.#windowReceived = 0;
  }
}

/** The counts `lossReport` compares. */
export interface DeliveryCounts {
  /** Messages published to the room. */
  readonly published: number;
  /** Clients subscribed to the room for the whole run (each should receive every message). */
  readonly subscribers: number;
  /** Deliveries counted across all subscribers. */
  readonly received: number;
  /** Messages whose publish the server acknowledged, when the target has acks. */
  readonly acked?: number;
}

/** Loss and duplicates of a fan-out run. */
export interface LossReport {
  /** published × subscribers. */
  readonly expected: number;
  readonly received: number;
  /** max(0, expected − received). */
  readonly lost: number;
  /** lost / expected; 0 when nothing was expected. */
  readonly lossRatio: number;
  /** max(0, received − expected): deliveries beyond one per message and subscriber. */
  readonly duplicates: number;
  /**
   * With `acked`: max(0, acked × subscribers − received), deliveries missing even if every
   * unacknowledged message was lost. Non-zero means acknowledged messages went missing (a
   * lower bound, since deliveries of unacknowledged messages may fill the count).
   */
  readonly lostAcked?: number;
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
}

/**
 * Loss and duplicates from totals. Counts alone cannot tell a lost message from a duplicate
 * of another (one of each nets to zero), so this is the floor of both; a scenario that needs
 * more tracks message ids.
 */
export function lossReport(counts: DeliveryCounts): LossReport {
  const { published, subscribers, received, acked } = counts;
  checkCount('published', published);
  checkCount('subscribers', subscribers);
  checkCount('received', received);
  const expected = published * subscribers;
  const lost = Math.max(0, expected - received);
  const report: LossReport = {
    expected,
    received,
    lost,
    lossRatio: expected === 0 ? 0 : lost / expected,
    duplicates: Math.max(0, received - expected),
  };
  if (acked === undefined) return report;
  checkCount('acked', acked);
  return { ...report, lostAcked: Math.max(0, acked * subscribers - received) };
}
