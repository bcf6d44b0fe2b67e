// The real server on each SQL server it supports, PostgreSQL and MySQL (MariaDB): accounts,
// rooms, messages, idempotent retries, history, resume and a restart, over HTTP and WebSockets.
// A database server that is unreachable is skipped loudly (failing under CI).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageEvent } from '../src/protocol/events.js';
import { HubbubHttp } from '../src/client/http-client.js';
import { createTestMysqlDatabase } from './support/mysql.js';
import { createTestDatabase } from './support/postgres.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

/**
 * One run per database server; `prefix` starts every user, room and clientMsgId name of that
 * run, so the two runs never share a name.
 */
const databases = [
  { name: 'PostgreSQL', prefix: 'pg', db: await createTestDatabase() },
  { name: 'MySQL', prefix: 'my', db: await createTestMysqlDatabase() },
];

for (const { name, prefix, db } of databases) {
  describe(`server on ${name}`, { skip: db === undefined ? `${name} unreachable` : false }, () => {
    const room = `${prefix}-room`;
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ DATABASE_URL: db!.url, MESSAGE_RATE_LIMIT: '0' });
    });
    after(async () => {
      await t.close();
      await db!.drop();
    });

    it('registers, logs in, and rejects a reused refresh token', async () => {
      const alice = `${prefix}_alice`;
      const { http, refreshToken } = await t.user(alice);
      assert.equal((await http.me()).username, alice);
      const rotated = await http.refresh(refreshToken);
      await assert.rejects(http.refresh(refreshToken), { code: 'token_reused' });
      await assert.rejects(http.refresh(rotated.refreshToken), { code: 'token_reused' });
      await assert.rejects(new HubbubHttp(t.url).login(alice.toUpperCase(), 'wrong password'), { code: 'invalid_credentials' });
      await new HubbubHttp(t.url).login(alice.toUpperCase(), 'correct horse battery');
    });

    it('stores messages with gapless seqs, dedups retries, pages history, resumes, and survives a restart', async () => {
      const writer = await t.connect(await t.tokenFor(`${prefix}_writer`));
      const readerToken = await t.tokenFor(`${prefix}_reader`);
      const reader = await t.connect(readerToken);
      await writer.join(room);
      await reader.join(room);
      const acks = await Promise.all(Array.from({ length: 150 }, (_, i) => writer.send(room, `m${i}`, `${prefix}-${i}`)));
      assert.deepEqual(acks.map((a) => a.seq).sort((a, b) => a! - b!), Array.from({ length: 150 }, (_, i) => i + 1));
      const retry = await writer.send(room, 'm7', `${prefix}-7`);
      assert.equal(retry.seq, acks[7]!.seq);

      reader.close();
      await Promise.all(Array.from({ length: 50 }, (_, i) => writer.send(room, `later${i}`, `${prefix}-later-${i}`)));
      const got: MessageEvent[] = [];
      const resumed = await t.connect(readerToken, { [room]: 150 }, { message: (m) => got.push(m) });
      assert.deepEqual(resumed.welcome.resumed[room], { recovered: true, missed: 50 });
      await eventually(() => got.length === 50, 'the replay');
      assert.deepEqual(got.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 151));

      const page = await resumed.history(room, { before: 101, limit: 100 });
      assert.deepEqual(page.messages.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.equal(page.hasMore, false);

      await t.close({ keepData: true });
      t = await startTestServer({ DATABASE_URL: db!.url, MESSAGE_RATE_LIMIT: '0' });
      const http = new HubbubHttp(t.url, readerToken);
      const rooms = await http.rooms();
      assert.equal(rooms.find((r) => r.room === room)?.lastSeq, 200);
    });
  });
}
