/**
 * A progress bar on stderr for long steps (connecting 10,000 clients, a 60 s run). On a
 * terminal it redraws one line, at most ~10 times a second so drawing never costs the load
 * generator measurable CPU; when stderr is a file or pipe (CI logs) it writes one plain line
 * per step instead, because carriage-return animation turns into noise there.
 */

/** The part of a stream the bar writes to (structural, so tests can pass a fake). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/** Where and how the bar draws; every field has a default. */
export interface ProgressOptions {
  /** Defaults to `process.stderr`. */
  readonly stream?: ProgressStream;
  /** A monotonic clock in ms; defaults to `performance.now`. */
  readonly clock?: () => number;
  /** The least time between two redraws (ms); defaults to 100. */
  readonly intervalMs?: number;
}

/** A progress display for one step at a time: `start`, any number of `tick`s, `done`. */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #clock: () => number;
  readonly #intervalMs: number;
  #label = '';
  #total = 0;
  #current = 0;
  #startedAt = 0;
  #drawnAt = Number.NEGATIVE_INFINITY;
  #active = false;

  constructor(options: ProgressOptions = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#clock = options.clock ?? (() => performance.now());
    this.#intervalMs = options.intervalMs ?? 100;
  }

  /** Begins a step of `total` units (0 when unknown); ends the previous step if still open. */
  start(label: string, total: number): void {
    if (this.#active) this.done();
    this.#label = label;
    this.#total = Math.max(0, total);
    this.#current = 0;
    this.#startedAt = this.#clock();
    this.#drawnAt = Number.NEGATIVE_INFINITY;
    this.#active = true;
    if (this.#stream.isTTY === true) this.#draw();
  }

  /** Advances by `n` units (default 1); cheap when no redraw is due. */
  tick(n = 1): void {
    if (!this.#active) return;
    this.#current += n;
    if (this.#stream.isTTY !== true) return;
    const at = this.#clock();
    if (at - this.#drawnAt >= this.#intervalMs) this.#draw(at);
  }

  /** Ends the step: the final state on a terminal, or the step's one line elsewhere. */
  done(): void {
    if (!this.#active) return;
    this.#active = false;
    const elapsed = this.#clock() - this.#startedAt;
    if (this.#stream.isTTY === true) {
      this.#draw();
      this.#stream.write('\n');
    } else {
      this.#stream.write(`${this.#label}: ${this.#counts()} in ${seconds(elapsed)}\n`);
    }
  }

  #counts(): string {
    const done = this.#current.toLocaleString('en-US');
    return this.#total > 0 ? `${done}/${this.#total.toLocaleString('en-US')}` : done;
  }

  #draw(at = this.#clock()): void {
    this.#drawnAt = at;
    const elapsed = seconds(at - this.#startedAt);
    let line: string;
    if (this.#total > 0) {
      const fraction = Math.min(1, this.#current / this.#total);
      const text = `${this.#counts()} ${(fraction * 100).toFixed(0).padStart(3)}% ${elapsed}`;
      // The bar takes what the label and figures leave of the terminal width, within reason.
      const room = (this.#stream.columns ?? 80) - this.#label.length - text.length - 5;
      const width = Math.max(10, Math.min(40, room));
      const filled = Math.round(fraction * width);
      line = `${this.#label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
    } else {
      line = `${this.#label} ${this.#counts()} ${elapsed}`;
    }
    // \r returns to the line start, \x1b[K clears what a longer previous line left behind.
    this.#stream.write(`\r${line}\x1b[K`);
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
