// Churn: 10 clients in 3 rooms. While 5 senders send 2,000 messages each, 5 receivers disconnect
// and resume at random points. At the end every receiver holds, per room, exactly 1..N with no
// gap and no duplicate, and its unread counts agree with what it marked read.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { HubbubHttp } from '../src/client/http-client.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { MessageEvent } from '../src/protocol/events.js';
import { createTestDatabase } from './support/postgres.js';
import { eventually, startTestServer } from './support/server.js';

const ROOMS = ['churn-a', 'churn-b', 'churn-c'];
const SENDERS = 5;
const RECEIVERS = 5;
const PER_SENDER = 2000;
const WINDOW = 50;

/** A deterministic generator, so a failure can be replayed (the seed is printed). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Receiver {
  readonly name: string;
  readonly token: string;
  /** Every seq received, per room, in arrival order. */
  readonly seqs: Map<string, number[]>;
  /** The highest seq marked read, per room. */
  readonly marked: Map<string, number>;
  socket: HubbubSocket | undefined;
  reconnects: number;
  problems: string[];
}

const postgres = await createTestDatabase();

describe('churn', () => {
  it('keeps every receiver gapless and duplicate-free across random disconnects (SQLite)', { timeout: 240_000 }, (ctx) => churn(ctx, {}));
  it(
    'keeps every receiver gapless and duplicate-free across random disconnects (PostgreSQL)',
    { timeout: 240_000, skip: postgres === undefined ? 'PostgreSQL unreachable' : false },
    async (ctx) => {
      try {
        await churn(ctx, { DATABASE_URL: postgres!.url });
      } finally {
        await postgres!.drop();
      }
    },
  );
});

async function churn(ctx: TestContext, env: Record<string, string>): Promise<void> {
  const seed = Number(process.env.CHURN_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  ctx.diagnostic(`churn seed ${seed} (set CHURN_SEED to replay)`);
  const t = await startTestServer({ MESSAGE_RATE_LIMIT: '0', PRESENCE_GRACE_MS: '0', ...env });
  try {
    const senders: HubbubSocket[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const socket = await t.connect(await t.tokenFor(`sender${i}`));
      for (const room of ROOMS) await socket.join(room);
      senders.push(socket);
    }
    const receivers: Receiver[] = [];
    for (let i = 0; i < RECEIVERS; i++) {
      const receiver: Receiver = {
        name: `receiver${i}`,
        token: await t.tokenFor(`receiver${i}`),
        seqs: new Map(ROOMS.map((r) => [r, []])),
        marked: new Map(),
        socket: undefined,
        reconnects: 0,
        problems: [],
      };
      const socket = await t.connect(receiver.token);
      for (const room of ROOMS) await socket.join(room);
      socket.close();
      await socket.closed;
      receivers.push(receiver);
    }

    const connect = async (r: Receiver): Promise<void> => {
      const resume: Record<string, number> = {};
      for (const room of ROOMS) resume[room] = r.seqs.get(room)!.at(-1) ?? 0;
      r.socket = await t.connect(r.token, resume, {
        message: (m: MessageEvent) => {
          const list = r.seqs.get(m.room)!;
          const last = list.at(-1) ?? 0;
          if (m.seq !== last + 1) r.problems.push(`${m.room}: got ${m.seq} after ${last}`);
          list.push(m.seq);
        },
      });
      r.reconnects++;
    };

    let sending = true;
    const churn = receivers.map(async (r) => {
      while (sending) {
        await connect(r);
        await new Promise((resolve) => setTimeout(resolve, 20 + rand() * 250));
        if (rand() < 0.5) {
          const room = ROOMS[Math.floor(rand() * ROOMS.length)]!;
          const seq = r.seqs.get(room)!.at(-1) ?? 0;
          const ack = await r.socket!.read(room, seq).catch(() => undefined);
          if (ack !== undefined) r.marked.set(room, Math.max(r.marked.get(room) ?? 0, ack.seq!));
        }
        r.socket!.close();
        await r.socket!.closed;
        await new Promise((resolve) => setTimeout(resolve, rand() * 100));
      }
    });

    const started = performance.now();
    const lastSeq = new Map<string, number>();
    await Promise.all(
      senders.map(async (socket, s) => {
        for (let base = 0; base < PER_SENDER; base += WINDOW) {
          const acks = [];
          for (let i = base; i < base + WINDOW; i++) acks.push(socket.send(ROOMS[(s + i) % ROOMS.length]!, `s${s} ${i}`, `s${s}-${i}`));
          for (const ack of await Promise.all(acks)) lastSeq.set(ack.room!, Math.max(lastSeq.get(ack.room!) ?? 0, ack.seq!));
        }
      }),
    );
    const sendMs = performance.now() - started;
    sending = false;
    await Promise.all(churn);

    // A last resume brings every receiver up to date.
    for (const r of receivers) await connect(r);
    await eventually(
      () => receivers.every((r) => ROOMS.every((room) => (r.seqs.get(room)!.at(-1) ?? 0) === lastSeq.get(room))),
      'every receiver to catch up',
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const total = [...lastSeq.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, SENDERS * PER_SENDER);

    for (const r of receivers) {
      assert.deepEqual(r.problems, [], `${r.name} saw gaps or duplicates`);
      for (const room of ROOMS) {
        const seqs = r.seqs.get(room)!;
        assert.equal(seqs.length, lastSeq.get(room), `${r.name} ${room}: count`);
        seqs.forEach((seq, i) => assert.equal(seq, i + 1));
      }
      const listing = await new HubbubHttp(t.url, r.token).rooms();
      for (const room of ROOMS) {
        const entry = listing.find((x) => x.room === room)!;
        const marked = r.marked.get(room) ?? 0;
        assert.equal(entry.readSeq, marked, `${r.name} ${room}: readSeq`);
        assert.equal(entry.unread, entry.lastSeq - marked, `${r.name} ${room}: unread`);
      }
    }
    const reconnects = receivers.reduce((a, r) => a + r.reconnects, 0);
    ctx.diagnostic(
      `churn: ${total} messages in ${ROOMS.length} rooms sent in ${sendMs.toFixed(0)} ms; ${RECEIVERS} receivers resumed ${reconnects} times`,
    );
  } finally {
    await t.close();
  }
}
