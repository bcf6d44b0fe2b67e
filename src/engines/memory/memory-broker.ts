/** The single-node broker: delivers each publish to this node's handler, in publish order. */
import type { Broker, BrokerHandler, BrokerMessage } from '../../core/broker.js';

export class MemoryBroker implements Broker {
  #handler: BrokerHandler | undefined;
  readonly #topics = new Set<string>();

  setHandler(handler: BrokerHandler): void {
    this.#handler = handler;
  }

  subscribe(topic: string): Promise<void> {
    this.#topics.add(topic);
    return Promise.resolve();
  }

  unsubscribe(topic: string): Promise<void> {
    this.#topics.delete(topic);
    return Promise.resolve();
  }

  publish(topic: string, message: BrokerMessage): Promise<void> {
    // Synchronous delivery keeps per-room order trivially: the publisher's order is the order.
    if (this.#topics.has(topic)) this.#handler?.onMessage(topic, message);
    return Promise.resolve();
  }

  /** Topics currently subscribed (for tests and metrics). */
  get subscriptionCount(): number {
    return this.#topics.size;
  }

  close(): Promise<void> {
    this.#topics.clear();
    return Promise.resolve();
  }
}
