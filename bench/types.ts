/**
 * The load tool's contracts: a target is a server under test (hubbub or a comparison server)
 * with a client driver that speaks its protocol. Scenarios are written against these only, so
 * every scenario runs unchanged against every target that supports it.
 */

/** `hubbub-baseline` is another checkout of hubbub (`--baseline DIR`), for before/after runs. */
export type TargetName = 'hubbub' | 'hubbub-baseline' | 'hubbub-cluster' | 'socketio' | 'ws';

/** Where measured deliveries go. Drivers call it once per message received. */
export interface DeliverySink {
  /** A message sent at `sentAtMs` (the publisher's clock, `now()`) arrived now. */
  deliver(sentAtMs: number): void;
}

/** One simulated client connection. */
export interface BenchClient {
  /** Joins (subscribes to) a room; resolves when the server confirmed it. */
  join(room: string): Promise<void>;
  /**
   * Publishes `text` to a room. Resolves when the server acknowledged it: for hubbub a durable
   * ack (the message is stored); for Socket.IO the emit acknowledgement; for the ws hub its
   * `ok` reply (sent after the broadcast was handed to the sockets).
   */
  publish(room: string, text: string): Promise<void>;
  /** Closes the connection; resolves when it is closed. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** A user name, unique per client (hubbub authenticates it with a signed token). */
  readonly user: string;
  /** A local source address (127.0.0.x) to spread connections over more ephemeral ports. */
  readonly localAddress?: string;
  /** Receives the timestamps of messages this client gets; omit for clients that only send. */
  readonly sink?: DeliverySink;
}

/** A running server under test, started by the tool itself. */
export interface RunningTarget {
  readonly name: TargetName;
  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  readonly pid: number;
  /** The server's resident memory now, from /proc (bytes). */
  rssBytes(): Promise<number>;
  /** CPU time the server process used so far (user + system, ms), from /proc. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** CPU to pin the server to with `taskset` (when available). */
  readonly cpu?: number | undefined;
  /** Extra environment for the server (hubbub: DATABASE_URL, BATCH_WINDOW_MS, …). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A server implementation the tool can start and drive. */
export interface Target {
  readonly name: TargetName;
  start(options: StartOptions): Promise<RunningTarget>;
  connect(target: RunningTarget, options: ConnectOptions): Promise<BenchClient>;
}

/** The publisher's clock: milliseconds with sub-millisecond precision, shared by all clients. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The text of a benchmark message: the send time first (what receivers parse), then padding
 * to the requested size. Receivers read the number up to the first `|`.
 */
export function benchText(sentAtMs: number, size: number): string {
  const head = `${sentAtMs.toFixed(3)}|`;
  return size > head.length ? head + 'x'.repeat(size - head.length) : head;
}

/** The send time in a benchmark text, or NaN. */
export function parseSentAt(text: string): number {
  const bar = text.indexOf('|');
  return bar > 0 ? Number(text.slice(0, bar)) : Number.NaN;
}
