// Under load: 20 senders × 500 messages into one room of 50 members. Every member receives all
// 10,000 exactly once, in seq order; all are stored; a restart loses none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageEvent } from '../src/protocol/events.js';
import { HubbubHttp } from '../src/client/http-client.js';
import { eventually, startTestServer } from './support/server.js';

const MEMBERS = 50;
const SENDERS = 20;
const PER_SENDER = 500;
const TOTAL = SENDERS * PER_SENDER;
const WINDOW = 50;

describe('load: one busy room', () => {
  it('delivers 10,000 messages to 50 members exactly once, in order, durably', { timeout: 180_000 }, async (ctx) => {
    let t = await startTestServer({ MESSAGE_RATE_LIMIT: '0' });
    const dataDir = t.dataDir;
    try {
      const users = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => t.user(`member${i}`)));
      const sockets = await Promise.all(users.map((u) => t.connect(u.token)));
      for (const socket of sockets) await socket.join('busy');
      const received = sockets.map(() => [] as MessageEvent[]);
      sockets.forEach((socket, i) => socket.on('message', (m) => received[i]!.push(m)));

      const started = performance.now();
      await Promise.all(
        sockets.slice(0, SENDERS).map(async (socket, s) => {
          for (let base = 0; base < PER_SENDER; base += WINDOW) {
            const acks = [];
            for (let i = base; i < Math.min(base + WINDOW, PER_SENDER); i++) acks.push(socket.send('busy', `s${s} m${i}`, `s${s}-${i}`));
            await Promise.all(acks);
          }
        }),
      );
      const acked = performance.now() - started;
      await eventually(() => received.every((list) => list.length >= TOTAL), 'every member to hold all messages', 60_000);
      const delivered = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 100)); // anything extra would show up now

      for (const list of received) {
        assert.equal(list.length, TOTAL, 'exactly once');
        for (let i = 0; i < TOTAL; i++) if (list[i]!.seq !== i + 1) assert.fail(`seq ${list[i]!.seq} at position ${i}`);
      }
      // Each sender's own messages arrive in the order it sent them.
      for (let s = 0; s < SENDERS; s++) {
        const own = received[0]!.filter((m) => m.from === `member${s}`).map((m) => Number(m.text.split(' m')[1]));
        assert.deepEqual(own, Array.from({ length: PER_SENDER }, (_, i) => i));
      }
      ctx.diagnostic(`load: ${TOTAL} messages acked in ${acked.toFixed(0)} ms, delivered to ${MEMBERS} members in ${delivered.toFixed(0)} ms`);

      await t.close({ keepData: true });
      // Reading all 10,000 back is 50 pages at once: more than a user's history limit allows.
      t = await startTestServer({ MESSAGE_RATE_LIMIT: '0', HISTORY_RATE_LIMIT: '0' }, { dataDir });
      const http = new HubbubHttp(t.url);
      await http.login('member0', 'correct horse battery');
      const seqs: number[] = [];
      let after = 0;
      for (;;) {
        const page = await http.messages('busy', { after, limit: 200 });
        seqs.push(...page.messages.map((m) => m.seq));
        if (!page.hasMore) break;
        after = page.messages.at(-1)!.seq;
      }
      assert.equal(seqs.length, TOTAL);
      assert.deepEqual(seqs, Array.from({ length: TOTAL }, (_, i) => i + 1));
    } finally {
      await t.close();
    }
  });
});
