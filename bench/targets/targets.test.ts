/**
 * Each target end to end: its real server in a child process, three clients in one room, twenty
 * messages from one of them, and every client gets all twenty, with sane latencies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { benchText, now, type BenchClient, type DeliverySink, type RunningTarget, type Target } from '../types.js';
import { targets } from './index.js';

const MESSAGES = 20;

/** Counts deliveries and keeps their latencies. */
class CountingSink implements DeliverySink {
  readonly latencies: number[] = [];

  deliver(sentAtMs: number): void {
    this.latencies.push(now() - sentAtMs);
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await delay(10);
}

function suite(target: Target, extra?: (server: () => RunningTarget) => void): void {
  describe(target.name, { timeout: 60_000 }, () => {
    let server: RunningTarget | undefined;
    const running = (): RunningTarget => {
      assert.ok(server, 'the server did not start');
      return server;
    };
    before(async () => {
      server = await target.start({});
    });
    after(async () => {
      await server?.stop();
    });

    test('delivers every message to every member of the room', async () => {
      const sinks = [new CountingSink(), new CountingSink(), new CountingSink()];
      const clients: BenchClient[] = [];
      try {
        for (const [i, sink] of sinks.entries()) {
          clients.push(await target.connect(running(), { user: `bench_${target.name}_${i}`, sink }));
        }
        await Promise.all(clients.map((client) => client.join('r')));
        const [publisher] = clients;
        assert.ok(publisher);
        for (let i = 0; i < MESSAGES; i++) await publisher.publish('r', benchText(now(), 64));

        // Acks may overtake the deliveries to other clients: wait for them, then make sure no
        // extra copy follows.
        await until(() => sinks.every((sink) => sink.latencies.length >= MESSAGES), 5000);
        await delay(100);
        for (const sink of sinks) {
          assert.equal(sink.latencies.length, MESSAGES);
          for (const latency of sink.latencies) assert.ok(latency >= 0 && latency < 5000, `latency ${latency} ms`);
        }
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    });

    test('reports the server process memory and CPU time', async () => {
      assert.ok((await running().rssBytes()) > 0);
      assert.ok((await running().cpuMs()) >= 0);
    });

    extra?.(running);
  });
}

suite(targets.hubbub, (running) => {
  test('a publish to a room the client never joined is refused as forbidden', async () => {
    const member = await targets.hubbub.connect(running(), { user: 'bench_member' });
    const outsider = await targets.hubbub.connect(running(), { user: 'bench_outsider' });
    try {
      await member.join('elsewhere');
      await assert.rejects(outsider.publish('elsewhere', benchText(now(), 32)), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /forbidden/);
        return true;
      });
    } finally {
      await Promise.all([member.close(), outsider.close()]);
    }
  });
});
suite(targets.socketio);
suite(targets.ws);
