// MariaDB failing under hubbub, on a server of the test's own: killed with SIGKILL and
// restarted during traffic (acknowledged messages kept, unacknowledged ones answered
// `unavailable`, the node recovering by itself), and started without strict SQL mode (hubbub
// refuses to run, naming the setting). Skipped loudly without MariaDB's binaries, failing in CI.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { MessageEvent } from '../src/protocol/events.js';
import { openStore } from '../src/store/open-store.js';
import { PrivateMariaDb, privateMariaDbAvailable } from './support/private-mariadb.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const available = privateMariaDbAvailable();
if (!available) {
  if (process.env.CI === 'true') throw new Error('mariadbd is not installed: the MySQL fault tests cannot run');
  console.warn('⚠ mariadbd is not installed: skipping the MySQL fault tests');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('MariaDB restarted under traffic', { skip: available ? false : 'mariadbd missing', timeout: 120_000 }, () => {
  let mariadb: PrivateMariaDb;
  let t: TestServer;
  before(async () => {
    mariadb = await PrivateMariaDb.start();
    await mariadb.createDatabase('hubbub');
    t = await startTestServer({ DATABASE_URL: mariadb.url('hubbub'), MESSAGE_RATE_LIMIT: '0' });
  });
  after(async () => {
    await t?.close();
    await mariadb?.destroy();
  });

  it('keeps every acknowledged message once, answers unavailable meanwhile, and recovers without a restart of hubbub', async () => {
    const writer = await t.connect(await t.tokenFor('writer'));
    const live: MessageEvent[] = [];
    const reader = await t.connect(await t.tokenFor('reader'), undefined, { message: (m) => live.push(m) });
    await writer.join('busy');
    await reader.join('busy');

    // Four lanes, each sending its next message once the previous one is acknowledged, and
    // retrying a failed one with the same clientMsgId, as the SDK's outbox does.
    const acked = new Map<string, number>();
    const errors = new Map<string, number>();
    let phase: 'before' | 'down' | 'after' = 'before';
    let ackedAfterRestart = 0;
    let stop = false;
    const lane = async (socket: HubbubSocket, name: string): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const id = `${name}-${i}`;
        for (;;) {
          try {
            const ack = await socket.send('busy', `text of ${id} 🦊`, id);
            acked.set(id, ack.seq!);
            if (phase === 'after') ackedAfterRestart++;
            break;
          } catch (error) {
            const code = (error as { code?: string }).code ?? String(error);
            errors.set(code, (errors.get(code) ?? 0) + 1);
            await sleep(50);
          }
        }
      }
    };
    const lanes = ['a', 'b', 'c', 'd'].map((name) => lane(writer, name));

    await eventually(() => acked.size >= 200, '200 acknowledged messages before the crash', 20_000);
    await mariadb.kill('SIGKILL');
    phase = 'down';
    const ackedBefore = acked.size;
    await sleep(1500);
    assert.ok(acked.size - ackedBefore <= 4, 'at most the sends in flight at the crash were acknowledged while the database was down');
    await mariadb.restart();
    phase = 'after';
    await eventually(() => ackedAfterRestart >= 200, '200 acknowledged messages after the restart', 30_000);
    stop = true;
    await Promise.all(lanes);

    // The sends during the outage were answered, with `unavailable` and nothing else.
    assert.ok((errors.get('unavailable') ?? 0) > 0, `sends during the outage got unavailable (errors: ${JSON.stringify([...errors])})`);
    assert.deepEqual([...errors.keys()], ['unavailable']);

    // Every acknowledged message is stored once, under the seq its ack gave, gapless.
    const store = await openStore(mariadb.url('hubbub'), { migrate: false });
    try {
      const room = (await store.findRoom('busy'))!;
      const stored = (await store.history(room.id, { after: 0, limit: 100_000 })).messages;
      assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: stored.length }, (_, i) => i + 1));
      assert.equal(new Set(stored.map((m) => m.clientMsgId)).size, stored.length, 'no message stored twice');
      assert.equal(stored.length, acked.size, 'every stored message was acknowledged (a retry found the one stored before the crash)');
      for (const m of stored) {
        assert.equal(acked.get(m.clientMsgId), m.seq, `the ack of ${m.clientMsgId} gave its stored seq`);
        assert.equal(m.text, `text of ${m.clientMsgId} 🦊`);
      }
      // What was delivered live is what was stored, in order, without a gap or a duplicate.
      await eventually(() => live.length === stored.length, 'the reader to receive every message', 10_000);
      assert.deepEqual(
        live.map((m) => [m.seq, m.clientMsgId, m.text]),
        stored.map((m) => [m.seq, m.clientMsgId, m.text]),
      );
    } finally {
      await store.close();
    }
  });
});

describe('MariaDB without strict SQL mode', { skip: available ? false : 'mariadbd missing', timeout: 60_000 }, () => {
  let mariadb: PrivateMariaDb;
  before(async () => {
    mariadb = await PrivateMariaDb.start(['--sql-mode=NO_ENGINE_SUBSTITUTION']);
    await mariadb.createDatabase('hubbub');
  });
  after(async () => {
    await mariadb?.destroy();
  });

  it('refuses to start, naming sql_mode, and creates nothing', async () => {
    await assert.rejects(openStore(mariadb.url('hubbub')), (error: Error) => {
      assert.match(error.message, /strict SQL mode/);
      assert.match(error.message, /sql_mode/);
      assert.match(error.message, /STRICT_TRANS_TABLES/);
      return true;
    });
    await assert.rejects(startTestServer({ DATABASE_URL: mariadb.url('hubbub') }), /sql_mode/);
    const connection = await createConnection({ uri: mariadb.url('hubbub') });
    try {
      const [tables] = await connection.query(`select table_name from information_schema.tables where table_schema = 'hubbub'`);
      assert.deepEqual(tables, []);
    } finally {
      await connection.end();
    }
  });
});
