/**
 * A latency histogram with fixed memory and bounded relative error, in the spirit of
 * HdrHistogram: buckets are log-linear, one power-of-two "octave" of milliseconds split into
 * 128 equal sub-buckets, so a bucket's width is at most 1/128 (0.78 %) of any value in it.
 * Bucket boundaries are exact binary fractions, which lets `record` read the bucket straight
 * out of the IEEE-754 bits of the value: no logarithm, no division, no allocation.
 */

/** The smallest latency recorded within the error bound (ms); smaller ones share one bucket. */
export const LOWEST_MS = 0.01;
/** The largest latency tracked (10 minutes, in ms); larger ones count as `overflow`. */
export const HIGHEST_MS = 600_000;
/** The worst relative error of a percentile for values in [LOWEST_MS, HIGHEST_MS]. */
export const MAX_RELATIVE_ERROR = 1 / 128;

/** The figures a scenario reports for a latency distribution (all in ms except `count`). */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

const SUB_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BITS;
/** The first octave starts at 2^-7 ms (0.0078 ms), the power of two just below LOWEST_MS. */
const FIRST_EXPONENT = -7;
const FIRST_OCTAVE_MS = 2 ** FIRST_EXPONENT;

// One shared scratch double, viewed as two 32-bit words, to read a value's exponent and top
// mantissa bits. Which word holds the exponent depends on the platform's byte order.
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The bucket of a value in [FIRST_OCTAVE_MS, HIGHEST_MS]; bucket 0 holds everything lower. */
function bucketOf(ms: number): number {
  scratch[0] = ms;
  const high = scratchWords[HIGH_WORD] ?? 0;
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  const sub = (high >>> (20 - SUB_BITS)) & (SUB_BUCKETS - 1);
  return 1 + (exponent - FIRST_EXPONENT) * SUB_BUCKETS + sub;
}

const TOP_BUCKET = bucketOf(HIGHEST_MS);
const BUCKETS = TOP_BUCKET + 1;

/** The largest value a bucket holds; the top bucket also holds overflow, so it is unbounded. */
function upperBoundOf(bucket: number): number {
  if (bucket === 0) return FIRST_OCTAVE_MS;
  if (bucket === TOP_BUCKET) return Number.POSITIVE_INFINITY;
  const octave = Math.floor((bucket - 1) / SUB_BUCKETS);
  const sub = (bucket - 1) % SUB_BUCKETS;
  return 2 ** (octave + FIRST_EXPONENT) * (1 + (sub + 1) / SUB_BUCKETS);
}

/**
 * Records latencies in milliseconds and answers percentiles within `MAX_RELATIVE_ERROR` for
 * values in [LOWEST_MS, HIGHEST_MS]. `min`, `max` and `mean` are exact. Values ≤ 0 (clock skew
 * between hosts) land in the lowest bucket; values above HIGHEST_MS land in the top bucket and
 * are counted as `overflow`; NaN is not recorded but counted as `invalid`.
 */
export class LatencyHistogram {
  // Float64 counts stay exact up to 2^53, where Uint32 would wrap after 4 billion samples.
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  #overflow = 0;
  #invalid = 0;

  /** Adds one latency (ms). O(1) and allocation-free: it runs on the generator's hot path. */
  record(ms: number): void {
    if (Number.isNaN(ms)) {
      this.#invalid++;
      return;
    }
    let bucket: number;
    if (ms < FIRST_OCTAVE_MS) bucket = 0;
    else if (ms > HIGHEST_MS) {
      bucket = TOP_BUCKET;
      this.#overflow++;
    } else bucket = bucketOf(ms);
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1;
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
  }

  /** How many values were recorded (NaN excluded). */
  get count(): number {
    return this.#count;
  }

  /** The smallest value recorded, exactly; NaN when empty. */
  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }

  /** The largest value recorded, exactly; NaN when empty. */
  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }

  /** The arithmetic mean of the recorded values; NaN when empty. */
  get mean(): number {
    return this.#count === 0 ? Number.NaN : this.#sum / this.#count;
  }

  /** How many recorded values were above HIGHEST_MS (their percentiles report `max`). */
  get overflow(): number {
    return this.#overflow;
  }

  /** How many NaN values `record` was given and dropped (e.g. unparseable send times). */
  get invalid(): number {
    return this.#invalid;
  }

  /**
   * The nearest-rank percentile, p in [0, 100]: the upper bound of the bucket holding the
   * value of rank ⌈p/100 · count⌉, capped at `max`, so it never understates a latency by
   * more than the bucket width and p = 100 is exactly `max`. p = 0 is exactly `min`.
   * NaN when empty; a RangeError for p outside [0, 100].
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
    if (this.#count === 0) return Number.NaN;
    if (p === 0) return this.#min;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket] ?? 0;
      if (seen >= rank) return Math.min(upperBoundOf(bucket), this.#max);
    }
    return this.#max;
  }

  /** Adds another histogram's values to this one, as if they had been recorded here. */
  merge(other: LatencyHistogram): this {
    const theirs = other.#counts;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      this.#counts[bucket] = (this.#counts[bucket] ?? 0) + (theirs[bucket] ?? 0);
    }
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
    this.#overflow += other.#overflow;
    this.#invalid += other.#invalid;
    return this;
  }

  /** Forgets every value, keeping the allocated buckets. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = Number.NEGATIVE_INFINITY;
    this.#overflow = 0;
    this.#invalid = 0;
  }

  /**
   * The reported figures. An empty histogram gives `count: 0` and NaN for every other field:
   * "no data" must not read as "zero latency" (the table prints NaN as a dash, JSON as null).
   */
  summary(): LatencySummary {
    return {
      count: this.#count,
      min: this.min,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
      mean: this.mean,
    };
  }
}
