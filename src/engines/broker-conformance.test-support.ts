/**
 * The behaviour every `Broker` owes the hub, as one test suite run against each implementation
 * through a factory. Two brokers from the same factory are two nodes of one deployment; for a
 * single-node broker (memory) the cross-node cases are skipped with the reason given.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Broker, BrokerHandler, BrokerMessage, RoomBroadcast } from '../core/broker.js';

export interface BrokerFixture {
  readonly broker: Broker;
  cleanup(): Promise<void>;
}

export interface BrokerConformanceOptions {
  /** Set for a single-node broker: why the cross-node cases do not apply. */
  readonly singleNode?: string | undefined;
  /** How long a cross-node delivery may take; default 2000 ms. */
  readonly deliveryTimeoutMs?: number | undefined;
}

/** A handler that records what it receives. */
export class RecordingHandler implements BrokerHandler {
  readonly received: { topic: string; message: BrokerMessage }[] = [];
  reconnects = 0;
  #waiters: (() => void)[] = [];

  onMessage(topic: string, message: BrokerMessage): void {
    this.received.push({ topic, message });
    this.#wake();
  }

  onReconnect(): void {
    this.reconnects++;
    this.#wake();
  }

  on(topic: string): BrokerMessage[] {
    return this.received.filter((r) => r.topic === topic).map((r) => r.message);
  }

  /** Waits until `predicate` holds, failing after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** A unique topic name, so suites may share a Redis. */
export const uniqueTopic = (name: string): string => `room:${name}-${randomBytes(4).toString('hex')}`;

export const roomEvent = (room: string, seq: number, frame = JSON.stringify({ type: 'message', room, seq })): RoomBroadcast => ({
  kind: 'room',
  room,
  seq,
  frame,
});

export function runBrokerConformance(factory: () => Promise<BrokerFixture>, options: BrokerConformanceOptions = {}): void {
  const timeout = options.deliveryTimeoutMs ?? 2000;
  const crossNode = options.singleNode === undefined ? {} : { skip: options.singleNode };

  /** Runs `body` with `count` nodes, each with a recording handler, and cleans up after. */
  async function withNodes(count: number, body: (nodes: { broker: Broker; handler: RecordingHandler }[]) => Promise<void>): Promise<void> {
    const fixtures: BrokerFixture[] = [];
    try {
      const nodes: { broker: Broker; handler: RecordingHandler }[] = [];
      for (let i = 0; i < count; i++) {
        const fixture = await factory();
        fixtures.push(fixture);
        const handler = new RecordingHandler();
        fixture.broker.setHandler(handler);
        nodes.push({ broker: fixture.broker, handler });
      }
      await body(nodes);
    } finally {
      for (const fixture of fixtures) await fixture.cleanup();
    }
  }

  /**
   * Proves that `b` has seen everything `a` published before: a marker on a topic `b` follows
   * arrives after them (one publisher connection keeps order).
   */
  async function barrier(a: Broker, b: { broker: Broker; handler: RecordingHandler }): Promise<void> {
    const topic = uniqueTopic('barrier');
    await b.broker.subscribe(topic);
    await a.publish(topic, roomEvent('barrier', 1));
    await b.handler.until(() => b.handler.on(topic).length > 0, timeout, 'the barrier');
    await b.broker.unsubscribe(topic);
  }

  describe('on one node', () => {
    it('delivers a publish after subscribe once, in order, synchronously', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const topic = uniqueTopic('order');
        await broker.subscribe(topic);
        const first = broker.publish(topic, roomEvent('r', 1));
        // Same-node delivery does not wait for anything (the hub relies on it).
        assert.equal(handler.on(topic).length, 1);
        await first;
        await broker.publish(topic, roomEvent('r', 2));
        await new Promise((resolve) => setTimeout(resolve, 50)); // room for a stray echo
        assert.deepEqual(handler.on(topic), [roomEvent('r', 1), roomEvent('r', 2)]);
      });
    });

    it('does not deliver what was published before subscribe', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const topic = uniqueTopic('early');
        await broker.publish(topic, roomEvent('r', 1));
        await broker.subscribe(topic);
        await broker.publish(topic, roomEvent('r', 2));
        assert.deepEqual(handler.on(topic), [roomEvent('r', 2)]);
      });
    });

    it('subscribe is idempotent: subscribing twice still delivers once', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const topic = uniqueTopic('twice');
        await broker.subscribe(topic);
        await broker.subscribe(topic);
        await broker.publish(topic, roomEvent('r', 1));
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(handler.on(topic).length, 1);
      });
    });

    it('unsubscribe stops delivery', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const topic = uniqueTopic('unsub');
        await broker.subscribe(topic);
        await broker.publish(topic, roomEvent('r', 1));
        await broker.unsubscribe(topic);
        await broker.publish(topic, roomEvent('r', 2));
        await broker.unsubscribe(topic); // unsubscribing again is harmless
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(handler.on(topic), [roomEvent('r', 1)]);
      });
    });

    it('keeps topics independent', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const a = uniqueTopic('a');
        const b = uniqueTopic('b');
        const c = uniqueTopic('c');
        await broker.subscribe(a);
        await broker.subscribe(b);
        await broker.publish(a, roomEvent('a', 1));
        await broker.publish(b, roomEvent('b', 1));
        await broker.publish(c, roomEvent('c', 1));
        assert.deepEqual(handler.on(a), [roomEvent('a', 1)]);
        assert.deepEqual(handler.on(b), [roomEvent('b', 1)]);
        assert.deepEqual(handler.on(c), []);
      });
    });

    it('keeps the order of many messages', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const topic = uniqueTopic('many');
        await broker.subscribe(topic);
        await Promise.all(Array.from({ length: 1000 }, (_, i) => broker.publish(topic, roomEvent('r', i + 1))));
        assert.deepEqual(
          handler.on(topic).map((m) => (m.kind === 'room' ? m.seq : -1)),
          Array.from({ length: 1000 }, (_, i) => i + 1),
        );
      });
    });

    it('stops delivering once closed', async () => {
      await withNodes(1, async ([node]) => {
        const { broker, handler } = node!;
        const topic = uniqueTopic('closed');
        await broker.subscribe(topic);
        await broker.close();
        await broker.publish(topic, roomEvent('r', 1)).catch(() => {});
        assert.deepEqual(handler.on(topic), []);
      });
    });
  });

  describe('across nodes', () => {
    it('a publish on A reaches B only while B subscribes', crossNode, async () => {
      await withNodes(2, async ([a, b]) => {
        const topic = uniqueTopic('cross');
        await a!.broker.publish(topic, roomEvent('r', 1)); // B does not follow it yet
        await barrier(a!.broker, b!);
        await b!.broker.subscribe(topic);
        await a!.broker.publish(topic, roomEvent('r', 2));
        await b!.handler.until(() => b!.handler.on(topic).length >= 1, timeout, 'the message on B');
        await b!.broker.unsubscribe(topic);
        await a!.broker.publish(topic, roomEvent('r', 3));
        await barrier(a!.broker, b!);
        assert.deepEqual(b!.handler.on(topic), [roomEvent('r', 2)]);
        // A does not follow the topic: nothing for A, and no echo of its own messages.
        assert.deepEqual(a!.handler.on(topic), []);
      });
    });

    it('delivers to both nodes once each when both subscribe', crossNode, async () => {
      await withNodes(2, async ([a, b]) => {
        const topic = uniqueTopic('both');
        await a!.broker.subscribe(topic);
        await b!.broker.subscribe(topic);
        await a!.broker.publish(topic, roomEvent('r', 1));
        await b!.broker.publish(topic, roomEvent('r', 2));
        await a!.handler.until(() => a!.handler.on(topic).length >= 2, timeout, 'both messages on A');
        await b!.handler.until(() => b!.handler.on(topic).length >= 2, timeout, 'both messages on B');
        await barrier(a!.broker, b!);
        await barrier(b!.broker, a!);
        const seqs = (n: { handler: RecordingHandler }): number[] =>
          n.handler
            .on(topic)
            .map((m) => (m.kind === 'room' ? m.seq : -1))
            .sort();
        assert.deepEqual(seqs(a!), [1, 2]);
        assert.deepEqual(seqs(b!), [1, 2]);
      });
    });

    it('carries every kind of message intact', crossNode, async () => {
      await withNodes(2, async ([a, b]) => {
        const topic = uniqueTopic('kinds');
        await b!.broker.subscribe(topic);
        const messages: BrokerMessage[] = [
          roomEvent('général|x', 7, '{"type":"message","text":"line one\\nline two | pipe ✓ 🎉"}\nraw newline|too'),
          { kind: 'room', room: 'r', seq: 0, frame: '{"type":"typing"}', exceptUserId: 12, volatile: true },
          { kind: 'room', room: 'r', seq: 0, frame: '', volatile: false },
          { kind: 'membership', userId: 3, room: 'lobby\nsecond', roomId: 9, action: 'joined', lastSeq: 41 },
          { kind: 'membership', userId: 4, room: 'lobby', roomId: 9, action: 'left', lastSeq: 0 },
          { kind: 'presence', userId: 5, username: 'zoë', status: 'online', rooms: ['lobby', 'a|b'] },
          { kind: 'presence', userId: 6, username: 'bob', status: 'offline', rooms: [] },
        ];
        for (const message of messages) await a!.broker.publish(topic, message);
        await b!.handler.until(() => b!.handler.on(topic).length >= messages.length, timeout, 'every message on B');
        assert.deepEqual(b!.handler.on(topic), messages);
      });
    });

    it('keeps the order of many messages across nodes', crossNode, async () => {
      await withNodes(2, async ([a, b]) => {
        const topic = uniqueTopic('many-cross');
        await b!.broker.subscribe(topic);
        const count = 2000;
        await Promise.all(Array.from({ length: count }, (_, i) => a!.broker.publish(topic, roomEvent('r', i + 1))));
        await b!.handler.until(() => b!.handler.on(topic).length >= count, timeout * 2, 'every message on B');
        assert.deepEqual(
          b!.handler.on(topic).map((m) => (m.kind === 'room' ? m.seq : -1)),
          Array.from({ length: count }, (_, i) => i + 1),
        );
      });
    });

    it('a message published after subscribe() resolved reaches the subscriber', crossNode, async () => {
      await withNodes(2, async ([a, b]) => {
        // Many times over, so a subscribe that resolved before Redis confirmed would show.
        const topics = Array.from({ length: 50 }, (_, i) => uniqueTopic(`race-${i}`));
        for (const topic of topics) {
          await b!.broker.subscribe(topic);
          await a!.broker.publish(topic, roomEvent('r', 1));
        }
        await b!.handler.until(() => topics.every((t) => b!.handler.on(t).length === 1), timeout, 'one message per topic');
      });
    });
  });
}
