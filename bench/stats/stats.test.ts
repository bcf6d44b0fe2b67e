import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DeliveryCounter, lossReport } from './delivery-counter.js';
import { HIGHEST_MS, LatencyHistogram, LOWEST_MS, MAX_RELATIVE_ERROR } from './latency-histogram.js';
import { cpuShare, perSecond } from './rate.js';

/** The exact nearest-rank percentile of a sample, the definition the histogram approximates. */
function exactPercentile(sorted: readonly number[], p: number): number {
  if (p === 0) return sorted[0] ?? Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

/** Latencies spread evenly over the decades of the guaranteed range, as real runs are. */
const latency = fc
  .double({ min: Math.log(LOWEST_MS), max: Math.log(HIGHEST_MS), noNaN: true })
  .map((log) => Math.min(HIGHEST_MS, Math.max(LOWEST_MS, Math.exp(log))));
const percentileArb = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 50, 95, 99, 99.9, 100));

describe('LatencyHistogram', () => {
  test('percentiles are within 1 % above the exact nearest-rank value', () => {
    fc.assert(
      fc.property(fc.array(latency, { minLength: 1, maxLength: 400 }), percentileArb, (values, p) => {
        const sorted = [...values].sort((a, b) => a - b);
        const exact = exactPercentile(sorted, p);
        const estimate = histogramOf(values).percentile(p);
        // An upper bound of the bucket: never below the true value, at most one bucket above.
        assert.ok(estimate >= exact, `p${p}: ${estimate} < exact ${exact}`);
        assert.ok((estimate - exact) / exact <= MAX_RELATIVE_ERROR, `p${p}: ${estimate} vs ${exact}`);
        assert.ok(MAX_RELATIVE_ERROR <= 0.01);
      }),
      { numRuns: 500 },
    );
  });

  test('bucket edges: powers of two and their neighbours stay within the bound', () => {
    const values: number[] = [LOWEST_MS, HIGHEST_MS];
    for (let e = -6; e <= 19; e++) values.push(2 ** e, 2 ** e * (1 - 2 ** -52), 2 ** e * (1 + 2 ** -52));
    for (let v = LOWEST_MS; v < HIGHEST_MS; v *= 1.0007) values.push(v);
    for (const value of values) {
      // A second value at the top keeps `max` from hiding the bucket bound under test.
      const estimate = histogramOf([value, HIGHEST_MS]).percentile(50);
      assert.ok(estimate >= value && estimate <= value * (1 + MAX_RELATIVE_ERROR), `${value} → ${estimate}`);
    }
  });

  test('min, max and mean are exact; p0 is min and p100 is max', () => {
    fc.assert(
      fc.property(fc.array(latency, { minLength: 1, maxLength: 200 }), (values) => {
        const histogram = histogramOf(values);
        assert.equal(histogram.count, values.length);
        assert.equal(histogram.min, Math.min(...values));
        assert.equal(histogram.max, Math.max(...values));
        assert.equal(histogram.percentile(0), histogram.min);
        assert.equal(histogram.percentile(100), histogram.max);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        assert.ok(Math.abs(histogram.mean - mean) <= 1e-9 * Math.max(1, mean));
      }),
    );
  });

  test('merge gives the same figures as recording both samples in one histogram', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 100 }), fc.array(latency, { maxLength: 100 }), (a, b) => {
        const merged = histogramOf(a).merge(histogramOf(b)).summary();
        const both = histogramOf([...a, ...b]).summary();
        // The sums are added in another order, so the mean may differ in its last bits.
        assert.deepEqual({ ...merged, mean: 0 }, { ...both, mean: 0 });
        if (both.count > 0) assert.ok(Math.abs(merged.mean - both.mean) <= 1e-9 * both.mean);
        else assert.ok(Number.isNaN(merged.mean));
      }),
    );
  });

  test('an empty histogram reports count 0 and NaN for every figure', () => {
    const summary = new LatencyHistogram().summary();
    assert.equal(summary.count, 0);
    for (const key of ['min', 'p50', 'p95', 'p99', 'p999', 'max', 'mean'] as const) {
      assert.ok(Number.isNaN(summary[key]), `${key} should be NaN`);
    }
  });

  test('values ≤ 0 go to the lowest bucket; percentiles stay within [min, max]', () => {
    const histogram = histogramOf([0, -3, 0]);
    assert.equal(histogram.count, 3);
    assert.equal(histogram.min, -3);
    assert.equal(histogram.percentile(50), 0);
    assert.equal(histogram.percentile(100), 0);
  });

  test('values above the top count as overflow and report max', () => {
    const histogram = histogramOf([5, HIGHEST_MS * 2, HIGHEST_MS]);
    assert.equal(histogram.overflow, 1);
    assert.equal(histogram.count, 3);
    assert.equal(histogram.percentile(100), HIGHEST_MS * 2);
    assert.equal(histogram.percentile(50), HIGHEST_MS * 2); // the top bucket's bound is max
    assert.ok(Math.abs(histogram.percentile(10) - 5) <= 5 * MAX_RELATIVE_ERROR);
  });

  test('NaN is dropped and counted as invalid', () => {
    const histogram = histogramOf([Number.NaN, 1]);
    assert.equal(histogram.count, 1);
    assert.equal(histogram.invalid, 1);
    assert.equal(histogram.max, 1);
  });

  test('reset forgets everything; percentile rejects p outside [0, 100]', () => {
    const histogram = histogramOf([1, 2, 3]);
    histogram.reset();
    assert.equal(histogram.count, 0);
    assert.ok(Number.isNaN(histogram.percentile(50)));
    histogram.record(7);
    assert.equal(histogram.min, 7);
    assert.equal(histogram.percentile(50), 7);
    assert.throws(() => histogram.percentile(101), RangeError);
    assert.throws(() => histogram.percentile(-1), RangeError);
    assert.throws(() => histogram.percentile(Number.NaN), RangeError);
  });
});

describe('DeliveryCounter', () => {
  test('records now − sentAt and counts; a window sees only its own deliveries', () => {
    let clock = 1000;
    const counter = new DeliveryCounter(() => clock);
    counter.deliver(990); // 10 ms, before the window
    clock = 2000;
    counter.startWindow();
    clock = 2500;
    counter.deliver(2498); // 2 ms
    counter.deliver(2496); // 4 ms
    clock = 4000;
    const window = counter.endWindow();
    counter.deliver(3999); // 1 ms, after the window

    assert.equal(window.deliveries, 2);
    assert.equal(window.durationMs, 2000);
    assert.equal(window.deliveriesPerSec, 1);
    assert.equal(window.histogram.count, 2);
    assert.equal(window.histogram.min, 2);
    assert.equal(window.histogram.max, 4);
    // The totals kept counting through and after the window.
    assert.equal(counter.received, 4);
    assert.equal(counter.histogram.count, 4);
    assert.equal(counter.histogram.max, 10);
    assert.equal(counter.windowOpen, false);
    assert.throws(() => counter.endWindow());
  });

  test('an unparseable send time still counts as received', () => {
    const counter = new DeliveryCounter(() => 5);
    counter.deliver(Number.NaN);
    assert.equal(counter.received, 1);
    assert.equal(counter.histogram.invalid, 1);
  });
});

describe('lossReport', () => {
  test('no loss', () => {
    assert.deepEqual(lossReport({ published: 100, subscribers: 10, received: 1000 }), {
      expected: 1000,
      received: 1000,
      lost: 0,
      lossRatio: 0,
      duplicates: 0,
    });
  });

  test('loss', () => {
    const report = lossReport({ published: 100, subscribers: 10, received: 990 });
    assert.equal(report.lost, 10);
    assert.equal(report.lossRatio, 0.01);
    assert.equal(report.duplicates, 0);
  });

  test('duplicates', () => {
    const report = lossReport({ published: 10, subscribers: 2, received: 23 });
    assert.equal(report.lost, 0);
    assert.equal(report.lossRatio, 0);
    assert.equal(report.duplicates, 3);
  });

  test('zero subscribers: nothing expected, nothing lost, anything received is a duplicate', () => {
    assert.deepEqual(lossReport({ published: 50, subscribers: 0, received: 0 }), {
      expected: 0,
      received: 0,
      lost: 0,
      lossRatio: 0,
      duplicates: 0,
    });
    assert.equal(lossReport({ published: 50, subscribers: 0, received: 2 }).duplicates, 2);
  });

  test('acked: loss that unacknowledged publishes cannot explain', () => {
    assert.equal(lossReport({ published: 100, acked: 90, subscribers: 2, received: 180 }).lostAcked, 0);
    assert.equal(lossReport({ published: 100, acked: 100, subscribers: 2, received: 190 }).lostAcked, 10);
    assert.throws(() => lossReport({ published: -1, subscribers: 1, received: 0 }), RangeError);
  });
});

describe('rates', () => {
  test('perSecond', () => {
    assert.equal(perSecond(500, 250), 2000);
    assert.ok(Number.isNaN(perSecond(5, 0)));
  });

  test('cpuShare', () => {
    assert.equal(cpuShare(500, 1000), 0.5);
    assert.equal(cpuShare(3000, 1000, 4), 0.75);
    assert.equal(cpuShare(0, 1000), 0);
    assert.ok(Number.isNaN(cpuShare(10, 0)));
    assert.throws(() => cpuShare(10, 10, 0), RangeError);
  });
});
