/**
 * What a terminal user has read: every message the terminal printed is on their screen, so its
 * seq becomes their read position. Coalesced per room (the highest seq printed, sent at most
 * once per `delayMs`), since a burst of messages would otherwise be a read command each.
 */
export class ReadMarker {
  readonly #send: (room: string, seq: number) => Promise<void>;
  readonly #delayMs: number;
  /** The highest seq printed per room and not yet sent. */
  readonly #pending = new Map<string, number>();
  /** The highest seq sent per room: the server only moves forward, so less is not worth sending. */
  readonly #sent = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(send: (room: string, seq: number) => Promise<void>, delayMs = 500) {
    this.#send = send;
    this.#delayMs = delayMs;
  }

  /** Records that the message `seq` of `room` was printed. */
  printed(room: string, seq: number): void {
    if (seq <= Math.max(this.#pending.get(room) ?? 0, this.#sent.get(room) ?? 0)) return;
    this.#pending.set(room, seq);
    this.#timer ??= setTimeout(() => this.flush(), this.#delayMs);
  }

  /** Sends what is pending now (also on quit, so the last messages read count). */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const sends: Promise<void>[] = [];
    for (const [room, seq] of this.#pending) {
      this.#sent.set(room, seq);
      // A failed read (offline, left the room) is not worth a line: the next one carries it.
      sends.push(this.#send(room, seq).catch(() => {}));
    }
    this.#pending.clear();
    return Promise.all(sends).then(() => {});
  }
}
