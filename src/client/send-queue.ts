/**
 * Outgoing messages until the server has them. Each gets its `clientMsgId` once; every retry
 * (after a reconnect, a timeout or an `unavailable` answer) sends the same id, so the server
 * stores the message once however often it arrives. A message is reported failed only when the
 * retries give up, and `retry()` can send it again with the same id later.
 */
import type { AckEvent } from '../protocol/events.js';
import { fullJitterDelay } from './backoff.js';
import { HubbubError } from './errors.js';
import type { HubbubSocket } from './socket-client.js';

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
  queuedAt: number;
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
    queuedAt: now,
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
}

/**
 * The queue itself: transmits what is due whenever `pump()` is called (a new message, a
 * connection opening, a backoff running out), oldest first, a bounded number at a time.
 */
export class SendQueue {
  readonly #deps: SendQueueDeps;
  readonly #items = new Map<string, OutgoingMessage>();
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;
  #giveUpTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

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

  enqueue(target: { room?: string; to?: string }, text: string): OutgoingSend {
    const clientMsgId = this.#deps.newClientMsgId();
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
    if (item !== undefined) this.#settle(item, { room: message.room, seq: message.seq, msgId: message.msgId, ts: message.ts });
  }

  failPending(error: HubbubError): void {
    for (const item of this.#items.values()) if (item.status === 'pending') this.#fail(item, error);
  }

  /** Transmits what is due while there is a socket. */
  pump(): void {
    const socket = this.#deps.socket();
    if (socket === undefined || this.#closed) return;
    const now = Date.now();
    let inFlight = 0;
    let nextDue = Infinity;
    for (const item of this.#items.values()) if (item.inFlight) inFlight++;
    for (const item of this.#items.values()) {
      if (item.status !== 'pending' || item.inFlight) continue;
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
    return item.attempts >= retry.maxAttempts || Date.now() - item.queuedAt >= retry.giveUpAfterMs;
  }

  /** Fails messages queued too long ago that are not in flight (the server stayed away). */
  #giveUpExpired(): void {
    const now = Date.now();
    for (const item of this.#items.values()) {
      if (item.status === 'pending' && !item.inFlight && now - item.queuedAt >= this.#deps.retry.giveUpAfterMs) {
        this.#fail(item, new HubbubError('unavailable', 'not delivered before the retries gave up'));
      }
    }
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
  }

  #fail(item: OutgoingMessage, error: HubbubError): void {
    if (item.status !== 'pending') return;
    item.status = 'failed';
    item.error = error;
    item.reject(error);
    this.#deps.onUpdate(snapshotOf(item));
  }
}
