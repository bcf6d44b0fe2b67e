/**
 * The broker for several nodes: Redis 7 sharded pub/sub (`SSUBSCRIBE`, `SPUBLISH`), one channel
 * per topic (`<prefix><topic>`), so the same code runs on one Redis or on a Redis Cluster.
 *
 * Local first: `publish` hands the message to this node's handler synchronously (when this node
 * follows the topic), then sends it to Redis tagged with this node's id; the copy that comes back
 * from Redis is dropped. Same-node delivery never waits for Redis and keeps working without it.
 *
 * While Redis is unreachable `publish` does not wait or queue: after the local delivery it counts
 * a failure (`publishFailures`, logged once per outage) and resolves. The other nodes miss the
 * message live; their `onReconnect` (they lost Redis too) or the gap in `seq` makes them repair
 * from the store. `subscribe` registers the topic and resolves at once when the subscriber
 * connection is down; every registered topic is subscribed again when the connection is back,
 * after which the handler's `onReconnect` runs.
 */
import type { Broker, BrokerHandler, BrokerMessage } from '../../core/broker.js';
import type { Logger } from '../../core/logger.js';
import { decodeBrokerMessage, encodeBrokerMessage } from './broker-codec.js';
import { combineHealth, ConnectionWatch, type ConnectionHealth } from './connection-watch.js';
import { checkKeyPrefix } from './key-prefix.js';
import { nodeIdOf } from './node-id.js';
import { errorMessage, isReady, type RedisPublisherClient, type RedisSubscriberClient } from './redis-client.js';

export interface RedisBrokerOptions {
  /**
   * The connection to publish on. It should fail fast while disconnected (`connectRedis` with
   * role `publisher`: no offline queue, a command timeout); the broker also checks its status.
   */
  readonly publisher: RedisPublisherClient;
  /**
   * A connection of its own for the subscriptions (`connectRedis` with role `subscriber`: no
   * automatic resubscription or resending, the broker does both in order).
   */
  readonly subscriber: RedisSubscriberClient;
  /**
   * The deployment's namespace: channels are `<prefix><topic>` (see `key-prefix.ts`). No default:
   * pub/sub ignores the database number, so two deployments on one Redis server with the same
   * prefix receive each other's traffic.
   */
  readonly prefix: string;
  /** This node's id on the wire; default random. */
  readonly nodeId?: string | undefined;
  readonly logger?: Logger | undefined;
  readonly clock?: (() => number) | undefined;
}

export class RedisBroker implements Broker {
  /** This node's id, in every message it publishes. */
  readonly nodeId: string;
  readonly #prefix: string;
  readonly #publisher: RedisPublisherClient;
  readonly #subscriber: RedisSubscriberClient;
  readonly #logger: Logger | undefined;
  readonly #subWatch: ConnectionWatch;
  readonly #pubWatch: ConnectionWatch;
  readonly #topics = new Set<string>();
  #handler: BrokerHandler | undefined;
  #closed = false;
  /** Topics were registered while the subscriber was down: a reconnect must be reported. */
  #missedWhileDown = false;
  #wasEverReady: boolean;
  /** Settles when the subscriber connection in use now is lost (a new one after each ready). */
  #lost = deferred();
  #publishFailures = 0;
  #decodeErrors = 0;
  #publishFailing = false;

  readonly #onMessage = (channel: string, payload: string): void => this.#receive(channel, payload);

  constructor(options: RedisBrokerOptions) {
    this.nodeId = nodeIdOf(options.nodeId, 'broker');
    this.#prefix = checkKeyPrefix(options.prefix);
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#logger = options.logger;
    this.#wasEverReady = isReady(this.#subscriber);
    const clock = options.clock ?? Date.now;
    this.#subWatch = new ConnectionWatch(this.#subscriber, {
      clock,
      onUp: () => this.#subscriberUp(),
      onDown: () => {
        this.#lost.resolve();
        this.#logger?.warn({ reason: this.#subWatch.health.reason }, 'broker: lost the Redis subscriber connection');
      },
    });
    this.#pubWatch = new ConnectionWatch(this.#publisher, { clock });
    this.#subscriber.on('smessage', this.#onMessage);
  }

  setHandler(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  /**
   * Resolves once Redis confirmed the subscription — or, when the subscriber connection is down,
   * once the topic is registered: it is subscribed when the connection is back, and the handler's
   * `onReconnect` follows. Rejects only on an error reply from Redis (ACLs, …).
   */
  async subscribe(topic: string): Promise<void> {
    if (this.#closed) throw new Error('broker closed');
    this.#topics.add(topic);
    if (!isReady(this.#subscriber)) {
      this.#missedWhileDown = true;
      return;
    }
    await this.#command(() => this.#subscriber.ssubscribe(this.#channel(topic)));
  }

  async unsubscribe(topic: string): Promise<void> {
    if (!this.#topics.delete(topic) || !isReady(this.#subscriber)) return;
    // (A connection that comes back starts with no subscription: nothing to undo then.)
    await this.#command(() => this.#subscriber.sunsubscribe(this.#channel(topic)));
  }

  /**
   * Delivers to this node's handler at once (if it follows the topic), then to Redis. Resolves
   * when Redis took the message, or at once with `publishFailures` counted when it cannot.
   */
  async publish(topic: string, message: BrokerMessage): Promise<void> {
    if (this.#topics.has(topic)) this.#deliver(topic, message);
    if (this.#closed) return;
    const payload = encodeBrokerMessage(this.nodeId, message);
    if (!isReady(this.#publisher)) {
      this.#publishFailed(`not connected (${this.#publisher.status})`);
      return;
    }
    try {
      await this.#publisher.spublish(this.#channel(topic), payload);
      if (this.#publishFailing) {
        this.#publishFailing = false;
        this.#logger?.info({}, 'broker: publishing to Redis again');
      }
    } catch (error) {
      this.#publishFailed(errorMessage(error));
    }
  }

  /** Connected when both connections are ready. */
  health(): ConnectionHealth {
    return combineHealth(this.#subWatch.health, this.#pubWatch.health);
  }

  /** Publishes that did not reach Redis (delivered on this node only). */
  get publishFailures(): number {
    return this.#publishFailures;
  }

  /** Messages from Redis that could not be read (another format, corruption): dropped. */
  get decodeErrors(): number {
    return this.#decodeErrors;
  }

  /** Topics this node follows. */
  get subscriptionCount(): number {
    return this.#topics.size;
  }

  /**
   * Stops delivering and drops the subscriptions. The Redis clients stay open: whoever created
   * them closes them (after this).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const channels = [...this.#topics].map((topic) => this.#channel(topic));
    this.#topics.clear();
    this.#subscriber.off('smessage', this.#onMessage);
    this.#subWatch.detach();
    this.#pubWatch.detach();
    this.#lost.resolve();
    if (channels.length > 0 && isReady(this.#subscriber)) {
      // One channel per command: on a cluster each may live on another shard.
      await Promise.all(channels.map((channel) => this.#subscriber.sunsubscribe(channel).catch(() => {})));
    }
  }

  #channel(topic: string): string {
    return this.#prefix + topic;
  }

  /**
   * Runs a subscriber command, settling early if the connection is lost meanwhile (the reconnect
   * takes over then). An error reply on a live connection is the caller's.
   */
  async #command(send: () => Promise<unknown>): Promise<void> {
    const lost = this.#lost.promise;
    try {
      await Promise.race([send(), lost]);
    } catch (error) {
      if (isReady(this.#subscriber) && !this.#closed) throw error;
    }
  }

  #subscriberUp(): void {
    const recovering = this.#wasEverReady || this.#missedWhileDown;
    this.#wasEverReady = true;
    this.#missedWhileDown = false;
    this.#lost = deferred();
    if (!recovering || this.#closed) return;
    // After ioredis has finished its own ready handling (it may resend commands), so that the
    // subscriptions sent here are the last word on this connection.
    queueMicrotask(() => void this.#resubscribe());
  }

  async #resubscribe(): Promise<void> {
    const lost = this.#lost.promise;
    let connectionLost = false;
    void lost.then(() => (connectionLost = true));
    const topics = [...this.#topics];
    this.#logger?.info({ topics: topics.length }, 'broker: Redis subscriber connection back; subscribing again');
    const results = await Promise.allSettled(topics.map((topic) => Promise.race([this.#subscriber.ssubscribe(this.#channel(topic)), lost])));
    if (connectionLost || this.#closed) return; // the next ready starts over
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) this.#logger?.error({ failed }, 'broker: some subscriptions failed after a reconnect');
    try {
      this.#handler?.onReconnect();
    } catch (error) {
      this.#logger?.error({ err: error }, 'broker: onReconnect handler threw');
    }
  }

  #receive(channel: string, payload: string): void {
    if (!channel.startsWith(this.#prefix)) return;
    const topic = channel.slice(this.#prefix.length);
    if (!this.#topics.has(topic)) return; // unsubscribed meanwhile
    const decoded = decodeBrokerMessage(payload);
    if (decoded === undefined) {
      this.#decodeErrors++;
      if (this.#decodeErrors === 1) this.#logger?.warn({ channel }, 'broker: dropped a message it cannot read');
      return;
    }
    if (decoded.nodeId === this.nodeId) return; // delivered locally when published
    this.#deliver(topic, decoded.message);
  }

  #deliver(topic: string, message: BrokerMessage): void {
    try {
      this.#handler?.onMessage(topic, message);
    } catch (error) {
      // A throwing handler must not break the publisher nor the Redis client's reader.
      this.#logger?.error({ err: error, topic }, 'broker: message handler threw');
    }
  }

  #publishFailed(reason: string): void {
    this.#publishFailures++;
    if (!this.#publishFailing) {
      this.#publishFailing = true;
      this.#logger?.warn({ reason }, 'broker: cannot publish to Redis; delivering on this node only');
    }
  }
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
