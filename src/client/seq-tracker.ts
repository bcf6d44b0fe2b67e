/**
 * Per room, the highest `seq` the client holds. It is the `resume` position sent in `hello`, and
 * the dedup rule: a message at or below it was seen already and is dropped.
 */
export class SeqTracker {
  readonly #positions = new Map<string, number>();

  constructor(initial: Readonly<Record<string, number>> = {}) {
    for (const [room, seq] of Object.entries(initial)) this.#positions.set(room, seq);
  }

  /** True (and the position moves) when `seq` is new for `room`; false for a duplicate. */
  accept(room: string, seq: number): boolean {
    const seen = this.#positions.get(room);
    if (seen !== undefined && seq <= seen) return false;
    this.#positions.set(room, seq);
    return true;
  }

  /** The position of `room`, or undefined when the client has never followed it. */
  position(room: string): number | undefined {
    return this.#positions.get(room);
  }

  /** Starts following `room` at `seq` unless it is followed already (a join, a welcome). */
  follow(room: string, seq: number): void {
    if (!this.#positions.has(room)) this.#positions.set(room, seq);
  }

  forget(room: string): void {
    this.#positions.delete(room);
  }

  /** Every followed room's position: the `hello.resume` of the next connection. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#positions);
  }
}
