/**
 * Outgoing messages until the server has them. Each gets its `clientMsgId` once; every retry
 * (after a reconnect, a timeout or an `unavailable` answer) sends the same id, so the server
 * stores the message once however often it arrives. A message is reported failed only when the
 * retries give up, and `retry()` can send it again with the same id later.
 *
 * The messages of one conversation are a FIFO: the next one goes out only once the one before it
 * is acknowledged or given up on, so the room stores them in the order they were written (a
 * pipelined burst would come back partly refused by the rate limit and be stored out of order).
 * A `rate_limited` answer holds the conversation for the server's `retryAfter`, then sends the
 * same message again; `pacing` says which conversations are held and until when.
 */
import type { AckEvent } from '../protocol/events.js';
import { fullJitterDelay } from './backoff.js';
import { HubbubError } from './errors.js';
import type { HubbubSocket } from './socket-client.js';
import { dmRoomKey } from '../protocol/names.js';

/** Where a message is: queued or in flight (`pending`), acknowledged (`sent`) or given up (`failed`). */
export type SendStatus = 'pending' | 'sent' | 'failed';

/** What the server answered for a stored message. */
export interface SendAck {
  readonly room: string;
  readonly seq: number;
  readonly msgId: string;
  readonly ts: string;
}

/** A snapshot of an outgoing message, as the `send` event reports it. */
export interface SendUpdate {
  readonly clientMsgId: string;
  /** The room, or for a direct message to a new partner undefined until the ack names it. */
  readonly room: string | undefined;
  /** The recipient of a direct message. */
  readonly to: string | undefined;
  readonly text: string;
  readonly status: SendStatus;
  /** How many times it was transmitted. */
  readonly attempts: number;
  readonly ack?: SendAck | undefined;
  readonly error?: HubbubError | undefined;
}

export interface SendRetryOptions {
  /** How long to wait for an ack before sending again (ms). */
  readonly ackTimeoutMs?: number;
  /** Transmissions before giving up. */
  readonly maxAttempts?: number;
  /** Give up this long after the message was queued (ms), even while disconnected. */
  readonly giveUpAfterMs?: number;
}

export const DEFAULT_SEND_RETRY = Object.freeze({ ackTimeoutMs: 10_000, maxAttempts: 8, giveUpAfterMs: 60_000 });

/** Answers worth sending again (with the same clientMsgId): the server may do it next time. */
export const RETRIABLE_SEND_ERRORS: ReadonlySet<string> = new Set(['unavailable', 'rate_limited', 'timeout', 'internal']);

/** One outgoing message and its retry bookkeeping. */
export interface OutgoingMessage {
  readonly clientMsgId: string;
  room: string | undefined;
  readonly to: string | undefined;
  readonly text: string;
  status: SendStatus;
  attempts: number;
  /** Answers of `rate_limited`: pacing, not failures (they do not count towards `maxAttempts`). */
  paced: number;
  queuedAt: number;
  /** Since when it has waited without its conversation moving (the `giveUpAfterMs` clock). */
  waitingSince: number;
  /** Not before this time (ms): the backoff after a retriable error. */
  notBefore: number;
  inFlight: boolean;
  ack: SendAck | undefined;
  error: HubbubError | undefined;
  readonly done: Promise<SendAck>;
  resolve(ack: SendAck): void;
  reject(error: HubbubError): void;
}

/** A message handed to `send`: its id at once, its ack when the server has stored it. */
export interface OutgoingSend {
  readonly clientMsgId: string;
  /** Resolves with the ack; rejects with a HubbubError only when the retries gave up. */
  readonly done: Promise<SendAck>;
}

export function newOutgoing(clientMsgId: string, target: { room?: string; to?: string }, text: string, now: number): OutgoingMessage {
  let resolve!: (ack: SendAck) => void;
  let reject!: (error: HubbubError) => void;
  const done = new Promise<SendAck>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that follows `send` events instead of the promise must not see unhandled rejections.
  done.catch(() => {});
  return {
    clientMsgId,
    room: target.room,
    to: target.to,
    text,
    status: 'pending',
    attempts: 0,
    paced: 0,
    queuedAt: now,
    waitingSince: now,
    notBefore: 0,
    inFlight: false,
    ack: undefined,
    error: undefined,
    done,
    resolve,
    reject,
  };
}

export function snapshotOf(item: OutgoingMessage): SendUpdate {
  return {
    clientMsgId: item.clientMsgId,
    room: item.room,
    to: item.to,
    text: item.text,
    status: item.status,
    attempts: item.attempts,
    ack: item.ack,
    error: item.error,
  };
}

/** A random id for a new message: 128 bits, URL-safe. */
export function randomClientMsgId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID !== undefined) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A conversation held back by the server's rate limit: nothing of it is sent before `until`
 * (ms since the epoch). `room` is undefined for a first direct message to `to`.
 */
export interface SendPacing {
  readonly room: string | undefined;
  readonly to: string | undefined;
  readonly until: number;
}

/** The most messages in flight at once on one connection (the server caps commands in flight). */
const MAX_SENDS_IN_FLIGHT = 32;

/** What the queue needs from its client. */
export interface SendQueueDeps {
  readonly retry: Required<SendRetryOptions>;
  readonly random: () => number;
  readonly newClientMsgId: () => string;
  /** The welcomed, open socket to send on; undefined while not connected. */
  readonly socket: () => HubbubSocket | undefined;
  /** Every change of a message's status. */
  readonly onUpdate: (update: SendUpdate) => void;
  /** The conversations held by the rate limit changed (the full list; empty when none is). */
  readonly onPacing?: (pacing: readonly SendPacing[]) => void;
  /** The signed-in username, when known: direct messages by `to` join their `dm:` room's FIFO. */
  readonly me?: () => string | undefined;
}

/**
 * The queue itself: transmits what is due whenever `pump()` is called (a new message, a
 * connection opening, an ack, a backoff running out): per conversation the oldest pending
 * message, only when none of that conversation is in flight; a bounded number at a time.
 */
export class SendQueue {
  readonly #deps: SendQueueDeps;
  readonly #items = new Map<string, OutgoingMessage>();
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;
  #giveUpTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Per conversation key, the time its head may be sent again after `rate_limited`. */
  readonly #paced = new Map<string, SendPacing>();

  constructor(deps: SendQueueDeps) {
    this.#deps = deps;
  }

  /** Starts failing messages that wait longer than `giveUpAfterMs` (checked every second). */
  start(): void {
    this.#giveUpTimer ??= setInterval(() => this.#giveUpExpired(), 1000);
  }

  /** Stops for good: what is still pending fails with `error`. */
  close(error: HubbubError): void {
    this.#closed = true;
    if (this.#giveUpTimer !== undefined) clearInterval(this.#giveUpTimer);
    if (this.#pumpTimer !== undefined) clearTimeout(this.#pumpTimer);
    this.failPending(error);
  }

  /**
   * Queues a message behind the others of its conversation. `clientMsgId` reuses an id from
   * before (a message kept across a reload): the server stores it once whatever happened then.
   */
  enqueue(target: { room?: string; to?: string }, text: string, clientMsgId = this.#deps.newClientMsgId()): OutgoingSend {
    const existing = this.#items.get(clientMsgId);
    if (existing !== undefined && existing.status !== 'failed') return { clientMsgId, done: existing.done };
    if (existing !== undefined) this.#items.delete(clientMsgId);
    const item = newOutgoing(clientMsgId, target, text, Date.now());
    this.#items.set(clientMsgId, item);
    if (this.#closed) {
      this.#fail(item, new HubbubError('closed', 'the client was closed'));
    } else {
      this.#deps.onUpdate(snapshotOf(item));
      this.pump();
    }
    return { clientMsgId, done: item.done };
  }

  /** Queues a failed message again with the same id; for others, their current promise. */
  retry(clientMsgId: string): OutgoingSend | undefined {
    const item = this.#items.get(clientMsgId);
    if (item === undefined) return undefined;
    if (item.status !== 'failed' || this.#closed) return { clientMsgId, done: item.done };
    const target = item.room !== undefined ? { room: item.room } : item.to !== undefined ? { to: item.to } : {};
    const fresh = newOutgoing(item.clientMsgId, target, item.text, Date.now());
    // Sent again, it joins the end of its conversation's queue: after what is waiting now.
    this.#items.delete(clientMsgId);
    this.#items.set(clientMsgId, fresh);
    this.#deps.onUpdate(snapshotOf(fresh));
    this.pump();
    return { clientMsgId, done: fresh.done };
  }

  discard(clientMsgId: string): void {
    const item = this.#items.get(clientMsgId);
    if (item !== undefined && item.status !== 'pending') this.#items.delete(clientMsgId);
  }

  /** Messages not acknowledged yet, and failed ones, oldest first. */
  list(): SendUpdate[] {
    return [...this.#items.values()].filter((item) => item.status !== 'sent').map(snapshotOf);
  }

  /** Our own message came back from the server: it is stored, whether or not its ack arrived. */
  settleFromEcho(message: { clientMsgId: string } & SendAck): void {
    const item = this.#items.get(message.clientMsgId);
    if (item === undefined) return;
    this.#settle(item, { room: message.room, seq: message.seq, msgId: message.msgId, ts: message.ts });
    this.pump();
  }

  failPending(error: HubbubError): void {
    for (const item of this.#items.values()) if (item.status === 'pending') this.#fail(item, error);
    this.#updatePacing(Date.now());
  }

  /** The conversations the rate limit holds now, and until when. */
  pacing(): SendPacing[] {
    const now = Date.now();
    return [...this.#paced.values()].filter((p) => p.until > now);
  }

  /** One queue per conversation: its room, or for a first direct message the partner's `dm:` room. */
  #keyOf(item: OutgoingMessage): string {
    if (item.room !== undefined) return item.room;
    const me = this.#deps.me?.();
    return me !== undefined ? dmRoomKey(me, item.to!) : `to:${item.to!.toLowerCase()}`;
  }

  /** Transmits what is due while there is a socket. */
  pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#updatePacing(now); // a wait that ran out ends the conversation's pacing
    const socket = this.#deps.socket();
    if (socket === undefined) return;
    let inFlight = 0;
    let nextDue = Infinity;
    // Only the oldest pending message of each conversation may go; the rest wait behind it.
    const heads = new Map<string, OutgoingMessage>();
    for (const item of this.#items.values()) {
      if (item.status !== 'pending') continue;
      if (item.inFlight) inFlight++;
      const key = this.#keyOf(item);
      if (!heads.has(key)) heads.set(key, item);
    }
    for (const item of heads.values()) {
      if (item.inFlight) continue;
      if (item.notBefore > now) {
        nextDue = Math.min(nextDue, item.notBefore);
        continue;
      }
      if (inFlight >= MAX_SENDS_IN_FLIGHT) break;
      inFlight++;
      void this.#transmit(item, socket);
    }
    if (nextDue !== Infinity) {
      if (this.#pumpTimer !== undefined) clearTimeout(this.#pumpTimer);
      this.#pumpTimer = setTimeout(() => this.pump(), nextDue - now);
    }
  }

  async #transmit(item: OutgoingMessage, socket: HubbubSocket): Promise<void> {
    const { retry } = this.#deps;
    item.inFlight = true;
    item.attempts++;
    const target = item.room !== undefined ? { room: item.room } : { to: item.to! };
    try {
      const ack = (await socket.request({ type: 'send', ...target, text: item.text, clientMsgId: item.clientMsgId }, { timeoutMs: retry.ackTimeoutMs })) as AckEvent;
      item.inFlight = false;
      this.#settle(item, { room: ack.room ?? item.room ?? '', seq: ack.seq ?? 0, msgId: ack.msgId ?? '', ts: ack.ts ?? new Date().toISOString() });
    } catch (error) {
      item.inFlight = false;
      if (item.status !== 'pending' || this.#items.get(item.clientMsgId) !== item) return; // settled meanwhile
      const failure = error instanceof HubbubError ? error : new HubbubError('internal', String(error));
      if (failure.code === 'closed') {
        // The connection dropped with the message in flight: it goes again, same id, on reconnect.
        if (this.#givesUp(item)) this.#fail(item, new HubbubError('unavailable', 'not delivered before the retries gave up'));
        return;
      }
      if (failure.code === 'rate_limited' && failure.retryAfter !== undefined) {
        // The server says when: wait exactly that (not a guess), then the same message again,
        // with the rest of its conversation behind it. Waiting on the server is not giving up.
        const now = Date.now();
        item.paced++;
        item.notBefore = now + Math.max(0, failure.retryAfter) * 1000;
        item.waitingSince = Math.max(item.waitingSince, item.notBefore);
        this.#updatePacing(now);
        this.pump();
        return;
      }
      if (RETRIABLE_SEND_ERRORS.has(failure.code) && !this.#givesUp(item)) {
        item.notBefore = Date.now() + fullJitterDelay(item.attempts, { baseMs: 250, maxMs: 5000 }, this.#deps.random) + 100;
        this.pump();
        return;
      }
      this.#fail(item, failure);
    }
    this.pump();
  }

  #givesUp(item: OutgoingMessage): boolean {
    const { retry } = this.#deps;
    return item.attempts - item.paced >= retry.maxAttempts || Date.now() - item.waitingSince >= retry.giveUpAfterMs;
  }

  /** Recomputes which conversations are held (a pending head with a `rate_limited` wait ahead). */
  #updatePacing(now: number): void {
    const next = new Map<string, SendPacing>();
    const seen = new Set<string>();
    for (const item of this.#items.values()) {
      if (item.status !== 'pending') continue;
      const key = this.#keyOf(item);
      if (seen.has(key)) continue;
      seen.add(key);
      if (item.paced > 0 && item.notBefore > now) next.set(key, { room: item.room, to: item.to, until: item.notBefore });
    }
    const same = next.size === this.#paced.size && [...next].every(([key, p]) => this.#paced.get(key)?.until === p.until);
    if (same) return;
    this.#paced.clear();
    for (const [key, p] of next) this.#paced.set(key, p);
    this.#deps.onPacing?.([...next.values()]);
  }

  /** Fails messages queued too long ago that are not in flight (the server stayed away). */
  #giveUpExpired(): void {
    const now = Date.now();
    for (const item of this.#items.values()) {
      if (item.status === 'pending' && !item.inFlight && now - item.waitingSince >= this.#deps.retry.giveUpAfterMs) {
        this.#fail(item, new HubbubError('unavailable', 'not delivered before the retries gave up'));
      }
    }
    // A conversation whose wait ran out is no longer held.
    this.#updatePacing(now);
  }

  #settle(item: OutgoingMessage, ack: SendAck): void {
    if (item.status === 'sent') return;
    item.status = 'sent';
    item.ack = ack;
    item.room = ack.room;
    item.error = undefined;
    item.resolve(ack);
    this.#deps.onUpdate(snapshotOf(item));
    // Acknowledged messages are not kept: the room's log has them now.
    this.#items.delete(item.clientMsgId);
    // The conversation moved: what waits behind this message waits on the server, not for it.
    const now = Date.now();
    const key = this.#keyOf(item);
    for (const other of this.#items.values()) {
      if (other.status === 'pending' && this.#keyOf(other) === key) other.waitingSince = Math.max(other.waitingSince, now);
    }
    this.#updatePacing(now);
  }

  #fail(item: OutgoingMessage, error: HubbubError): void {
    if (item.status !== 'pending') return;
    item.status = 'failed';
    item.error = error;
    item.reject(error);
    this.#deps.onUpdate(snapshotOf(item));
    this.#updatePacing(Date.now());
  }
}
