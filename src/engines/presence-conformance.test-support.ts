/**
 * The behaviour every `Presence` owes the hub, as one test suite run against each
 * implementation through a factory. Nodes created with the same `namespace` are nodes of one
 * deployment (each test gets its own); for a single-node presence (memory) the cross-node cases
 * are skipped with the reason given.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Presence, PresenceHandler } from '../core/presence.js';
import type { Availability } from '../protocol/availability.js';

export interface PresenceFixture {
  readonly presence: Presence;
  cleanup(): Promise<void>;
}

export interface PresenceFactoryOptions {
  readonly graceMs: number;
  /** Nodes of one test share it; different tests never do. */
  readonly namespace: string;
}

export type PresenceFactory = (options: PresenceFactoryOptions) => Promise<PresenceFixture>;

export interface PresenceConformanceOptions {
  /** Set for a single-node presence: why the cross-node cases do not apply. */
  readonly singleNode?: string | undefined;
  /** How long an announcement may take beyond its due time; default 1000 ms. */
  readonly settleMs?: number | undefined;
}

let order = 0;

/** A handler that records announcements (`at` orders them across handlers). */
export class RecordingPresenceHandler implements PresenceHandler {
  readonly changes: { userId: number; status: 'online' | 'offline'; at: number }[] = [];
  readonly availabilityChanges: { userId: number; availability: Availability; at: number }[] = [];

  onPresenceChange(userId: number, status: 'online' | 'offline'): void {
    this.changes.push({ userId, status, at: order++ });
  }

  onAvailabilityChange(userId: number, availability: Availability): void {
    this.availabilityChanges.push({ userId, availability, at: order++ });
  }

  availabilityOf(userId: number): Availability[] {
    return this.availabilityChanges.filter((c) => c.userId === userId).map((c) => c.availability);
  }

  of(userId: number): ('online' | 'offline')[] {
    return this.changes.filter((c) => c.userId === userId).map((c) => c.status);
  }
}

/** Waits until `predicate` holds (polling), failing after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** User ids unlikely to meet another test's. */
const userIds = (count: number): number[] => {
  const base = randomInt(1, 2 ** 40) * 16;
  return Array.from({ length: count }, (_, i) => base + i);
};

export function runPresenceConformance(factory: PresenceFactory, options: PresenceConformanceOptions = {}): void {
  const settle = options.settleMs ?? 1000;
  const crossNode = options.singleNode === undefined ? {} : { skip: options.singleNode };

  type Node = { presence: Presence; handler: RecordingPresenceHandler };

  /** Runs `body` with `count` nodes of one deployment and cleans up after. */
  async function withNodes(count: number, graceMs: number, body: (nodes: Node[]) => Promise<void>): Promise<void> {
    const namespace = randomBytes(6).toString('hex');
    const fixtures: PresenceFixture[] = [];
    try {
      const nodes: Node[] = [];
      for (let i = 0; i < count; i++) {
        const fixture = await factory({ graceMs, namespace });
        fixtures.push(fixture);
        const handler = new RecordingPresenceHandler();
        fixture.presence.setHandler(handler);
        nodes.push({ presence: fixture.presence, handler });
      }
      await body(nodes);
    } finally {
      for (const fixture of fixtures) await fixture.cleanup();
    }
  }

  /** A user's announcements on every node, in the order they were made. */
  const total = (nodes: Node[], userId: number): ('online' | 'offline')[] =>
    nodes
      .flatMap((n) => n.handler.changes.filter((c) => c.userId === userId))
      .sort((x, y) => x.at - y.at)
      .map((c) => c.status);

  describe('on one node', () => {
    it('announces online once, on the first connection', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 's1');
        await eventually(() => handler.of(alice).length > 0, settle, 'online');
        await presence.connect(alice, 's2');
        await presence.connect(alice, 's1'); // the same session again changes nothing
        await sleep(50);
        assert.deepEqual(handler.of(alice), ['online']);
        assert.equal(await presence.connectionCount(alice), 2);
      });
    });

    it('announces offline once, when the last connection closes (no grace)', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 's1');
        await presence.connect(alice, 's2');
        await presence.disconnect(alice, 's1');
        await sleep(50);
        assert.deepEqual(handler.of(alice), ['online']);
        await presence.disconnect(alice, 's2');
        await presence.disconnect(alice, 's2'); // twice: harmless
        await presence.disconnect(alice, 'never-opened');
        await eventually(() => handler.of(alice).length === 2, settle, 'offline');
        await sleep(50);
        assert.deepEqual(handler.of(alice), ['online', 'offline']);
        assert.equal(await presence.connectionCount(alice), 0);
        assert.deepEqual(await presence.online([alice]), new Set());
      });
    });

    it('a reconnect within the grace period announces nothing', async () => {
      await withNodes(1, 300, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 's1');
        await presence.disconnect(alice, 's1');
        // Still online during the grace period.
        assert.deepEqual(await presence.online([alice]), new Set([alice]));
        await sleep(100);
        await presence.connect(alice, 's2');
        await sleep(400); // past the first grace period's end
        assert.deepEqual(handler.of(alice), ['online']);
        assert.deepEqual(await presence.online([alice]), new Set([alice]));
      });
    });

    it('announces offline once, after the grace period', async () => {
      await withNodes(1, 200, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 's1');
        const closedAt = Date.now();
        await presence.disconnect(alice, 's1');
        await eventually(() => handler.of(alice).includes('offline'), 200 + settle, 'offline');
        assert.ok(Date.now() - closedAt >= 190, 'not before the grace period ended');
        await sleep(100);
        assert.deepEqual(handler.of(alice), ['online', 'offline']);
        assert.deepEqual(await presence.online([alice]), new Set());
        // A new connection is a new "online".
        await presence.connect(alice, 's2');
        await eventually(() => handler.of(alice).length === 3, settle, 'online again');
        assert.deepEqual(handler.of(alice), ['online', 'offline', 'online']);
      });
    });

    it('the grace period restarts from the last disconnect', async () => {
      await withNodes(1, 300, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 's1');
        await presence.disconnect(alice, 's1');
        await sleep(200);
        await presence.connect(alice, 's2');
        const lastClose = Date.now();
        await presence.disconnect(alice, 's2');
        await eventually(() => handler.of(alice).includes('offline'), 300 + settle, 'offline');
        assert.ok(Date.now() - lastClose >= 290, `offline ${Date.now() - lastClose} ms after the last disconnect`);
        assert.deepEqual(handler.of(alice), ['online', 'offline']);
      });
    });

    it('counts connections per user', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence } = node!;
        const [alice, bob] = userIds(2) as [number, number];
        assert.equal(await presence.connectionCount(alice), 0);
        await presence.connect(alice, 'a1');
        await presence.connect(alice, 'a2');
        await presence.connect(alice, 'a3');
        await presence.connect(bob, 'b1');
        assert.equal(await presence.connectionCount(alice), 3);
        assert.equal(await presence.connectionCount(bob), 1);
        await presence.disconnect(alice, 'a2');
        assert.equal(await presence.connectionCount(alice), 2);
      });
    });

    it('online() answers for a set of users', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence } = node!;
        const [alice, bob, carol] = userIds(3) as [number, number, number];
        assert.deepEqual(await presence.online([]), new Set());
        await presence.connect(alice, 'a1');
        await presence.connect(carol, 'c1');
        assert.deepEqual(await presence.online([alice, bob, carol]), new Set([alice, carol]));
        assert.deepEqual(await presence.online([bob]), new Set());
      });
    });

    it('keeps users apart', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence, handler } = node!;
        const [alice, bob] = userIds(2) as [number, number];
        await presence.connect(alice, 'same-session-id');
        await presence.connect(bob, 'same-session-id');
        await presence.disconnect(alice, 'same-session-id');
        await eventually(() => handler.of(alice).length === 2, settle, 'alice offline');
        assert.deepEqual(handler.of(bob), ['online']);
        assert.equal(await presence.connectionCount(bob), 1);
      });
    });
  });

  describe('availability', () => {
    it('an online user carries the availability they connected with, active by default', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence } = node!;
        const [alice, bob, carol] = userIds(3) as [number, number, number];
        await presence.connect(alice, 'a1', 'away');
        await presence.connect(bob, 'b1');
        assert.deepEqual(
          await presence.statuses([alice, bob, carol]),
          new Map([
            [alice, 'away'],
            [bob, 'active'],
          ]),
        );
        assert.deepEqual(await presence.statuses([]), new Map());
      });
    });

    it('announces a change once, and nothing for the same value again', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 'a1');
        await presence.setAvailability(alice, 'dnd');
        await eventually(() => handler.availabilityOf(alice).length === 1, settle, 'dnd announced');
        await presence.setAvailability(alice, 'dnd');
        await sleep(50);
        assert.deepEqual(handler.availabilityOf(alice), ['dnd']);
        assert.deepEqual(await presence.statuses([alice]), new Map([[alice, 'dnd']]));
        await presence.setAvailability(alice, 'active');
        await eventually(() => handler.availabilityOf(alice).length === 2, settle, 'active announced');
        assert.deepEqual(handler.availabilityOf(alice), ['dnd', 'active']);
        assert.deepEqual(handler.of(alice), ['online'], 'no status change');
      });
    });

    it('a second connection keeps the availability the user has (it may be newer than what it read)', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 'a1', 'active');
        await presence.setAvailability(alice, 'away');
        await presence.connect(alice, 'a2', 'active');
        assert.deepEqual(await presence.statuses([alice]), new Map([[alice, 'away']]));
      });
    });

    it('goes with the user when they go offline; nothing is set or announced for an offline user', async () => {
      await withNodes(1, 0, async ([node]) => {
        const { presence, handler } = node!;
        const [alice] = userIds(1) as [number];
        await presence.setAvailability(alice, 'dnd');
        await presence.connect(alice, 'a1', 'away');
        assert.deepEqual(await presence.statuses([alice]), new Map([[alice, 'away']]));
        await presence.disconnect(alice, 'a1');
        await eventually(() => handler.of(alice).length === 2, settle, 'offline');
        assert.deepEqual(await presence.statuses([alice]), new Map());
        await presence.setAvailability(alice, 'dnd');
        await sleep(50);
        assert.deepEqual(handler.availabilityOf(alice), []);
        // Back online: the availability it connects with (the stored one) holds again.
        await presence.connect(alice, 'a2', 'active');
        assert.deepEqual(await presence.statuses([alice]), new Map([[alice, 'active']]));
      });
    });

    it('is kept through the grace period', async () => {
      await withNodes(1, 300, async ([node]) => {
        const { presence } = node!;
        const [alice] = userIds(1) as [number];
        await presence.connect(alice, 'a1', 'dnd');
        await presence.disconnect(alice, 'a1');
        assert.deepEqual(await presence.statuses([alice]), new Map([[alice, 'dnd']]));
        await presence.connect(alice, 'a2', 'active');
        assert.deepEqual(await presence.statuses([alice]), new Map([[alice, 'dnd']]));
      });
    });

    it('a change on one node is seen on every node and announced once', crossNode, async () => {
      await withNodes(2, 0, async (nodes) => {
        const [a, b] = nodes as [Node, Node];
        const [alice] = userIds(1) as [number];
        await a.presence.connect(alice, 'a1', 'active');
        await b.presence.connect(alice, 'b1', 'active');
        await b.presence.setAvailability(alice, 'away');
        assert.deepEqual(await a.presence.statuses([alice]), new Map([[alice, 'away']]));
        await a.presence.setAvailability(alice, 'away'); // already so: nothing to announce
        await sleep(50);
        assert.deepEqual(b.handler.availabilityOf(alice), ['away'], 'on the node that changed it');
        assert.deepEqual(a.handler.availabilityOf(alice), []);
        // A new connection elsewhere, with what it read before the change, keeps the change.
        await a.presence.connect(alice, 'a2', 'active');
        assert.deepEqual(await b.presence.statuses([alice]), new Map([[alice, 'away']]));
      });
    });
  });

  describe('across nodes', () => {
    it('a user connected on two nodes is announced online once and offline once', crossNode, async () => {
      await withNodes(2, 150, async (nodes) => {
        const [a, b] = nodes as [Node, Node];
        const [alice] = userIds(1) as [number];
        await a.presence.connect(alice, 'a1');
        await b.presence.connect(alice, 'b1');
        await sleep(50);
        assert.deepEqual(a.handler.of(alice), ['online'], 'online on the node of the first connection');
        assert.deepEqual(b.handler.of(alice), []);
        assert.equal(await a.presence.connectionCount(alice), 2);
        assert.equal(await b.presence.connectionCount(alice), 2);
        await a.presence.disconnect(alice, 'a1');
        await sleep(300);
        assert.deepEqual(total(nodes, alice), ['online'], 'still connected on B');
        assert.deepEqual(await a.presence.online([alice]), new Set([alice]));
        await b.presence.disconnect(alice, 'b1');
        await eventually(() => total(nodes, alice).length === 2, 150 + settle, 'offline');
        await sleep(300);
        assert.deepEqual(b.handler.of(alice), ['offline'], 'offline on the node of the last connection');
        assert.deepEqual(total(nodes, alice), ['online', 'offline']);
      });
    });

    it('a user moving to another node within the grace period does not flap', crossNode, async () => {
      await withNodes(2, 300, async (nodes) => {
        const [a, b] = nodes as [Node, Node];
        const [alice] = userIds(1) as [number];
        await a.presence.connect(alice, 'a1');
        await a.presence.disconnect(alice, 'a1');
        await sleep(100);
        await b.presence.connect(alice, 'b1');
        await sleep(450); // past A's grace period
        assert.deepEqual(total(nodes, alice), ['online']);
        assert.deepEqual(await a.presence.online([alice]), new Set([alice]));
        // Leaving B: offline once, after B's grace period.
        const closedAt = Date.now();
        await b.presence.disconnect(alice, 'b1');
        await eventually(() => total(nodes, alice).length === 2, 300 + settle, 'offline');
        assert.ok(Date.now() - closedAt >= 290);
        await sleep(200);
        assert.deepEqual(total(nodes, alice), ['online', 'offline']);
      });
    });

    it('online() and connectionCount() see every node', crossNode, async () => {
      await withNodes(2, 0, async (nodes) => {
        const [a, b] = nodes as [Node, Node];
        const [alice, bob, carol] = userIds(3) as [number, number, number];
        await a.presence.connect(alice, 'a1');
        await b.presence.connect(bob, 'b1');
        await b.presence.connect(bob, 'b2');
        await a.presence.connect(bob, 'a2');
        assert.deepEqual(await a.presence.online([alice, bob, carol]), new Set([alice, bob]));
        assert.deepEqual(await b.presence.online([alice, bob, carol]), new Set([alice, bob]));
        assert.equal(await a.presence.connectionCount(bob), 3);
      });
    });

    it('simultaneous first connections on several nodes announce online once', crossNode, async () => {
      await withNodes(3, 0, async (nodes) => {
        const users = userIds(20);
        await Promise.all(users.flatMap((user) => nodes.map((n, i) => n.presence.connect(user, `s${i}`))));
        await sleep(100);
        for (const user of users) assert.deepEqual(total(nodes, user), ['online']);
        await Promise.all(users.flatMap((user) => nodes.map((n, i) => n.presence.disconnect(user, `s${i}`))));
        await eventually(() => users.every((user) => total(nodes, user).length === 2), settle, 'every user offline');
        await sleep(100);
        for (const user of users) assert.deepEqual(total(nodes, user), ['online', 'offline']);
      });
    });
  });
}
