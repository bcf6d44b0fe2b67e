// Availability and last seen over a real server: the `status` command through the SDK, the
// profile route `GET /api/users/:username`, the members list, and a restart in between.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HubbubError } from '../src/client/errors.js';
import type { PresenceEvent } from '../src/protocol/events.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('availability and last seen (server)', () => {
  const servers: TestServer[] = [];
  const start = async (dataDir?: string): Promise<TestServer> => {
    const t = await startTestServer({ PRESENCE_GRACE_MS: '0' }, dataDir === undefined ? {} : { dataDir });
    servers.push(t);
    return t;
  };
  after(async () => {
    for (const t of servers) await t.close().catch(() => {});
  });

  it('sets, broadcasts and reports availability; records last seen; keeps both across a restart', async () => {
    let t = await start();
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const aliceSocket = await t.connect(alice.token);
    const bobSocket = await t.connect(bob.token);
    await aliceSocket.join('team');
    await bobSocket.join('team');
    const heard: PresenceEvent[] = [];
    bobSocket.on('presence', (e) => heard.push(e));

    // A bad value: a typed error, and the connection stays.
    await assert.rejects(aliceSocket.request({ type: 'status', availability: 'asleep' } as never), (error: unknown) => {
      assert.ok(error instanceof HubbubError);
      assert.equal(error.code, 'invalid_request');
      return true;
    });
    const ack = await aliceSocket.setAvailability('away');
    assert.equal(ack.availability, 'away');
    await eventually(() => heard.some((e) => e.user === 'alice' && e.availability === 'away'), 'bob hears alice away');
    assert.deepEqual(heard.at(-1), { type: 'presence', user: 'alice', status: 'online', availability: 'away' });

    assert.deepEqual(await bob.http.user('alice'), { username: 'alice', status: 'online', availability: 'away' });
    assert.deepEqual(await bob.http.user('ALICE'), { username: 'alice', status: 'online', availability: 'away' }, 'any letter case');
    assert.deepEqual(await bob.http.members('team'), [
      { username: 'alice', status: 'online', availability: 'away' },
      { username: 'bob', status: 'online', availability: 'active' },
    ]);

    // Offline: last seen is recorded (batched for a second) and the card shows it.
    const closedAt = Date.now();
    aliceSocket.close();
    await eventually(() => heard.some((e) => e.user === 'alice' && e.status === 'offline'), 'alice offline');
    let card = await bob.http.user('alice');
    for (let i = 0; i < 100 && card.lastSeen === undefined; i++) {
      await settle(50);
      card = await bob.http.user('alice');
    }
    assert.equal(card.status, 'offline');
    assert.equal(card.availability, undefined);
    const lastSeen = Date.parse(card.lastSeen ?? '');
    assert.ok(lastSeen >= closedAt - 1000 && lastSeen <= Date.now(), `last seen ${card.lastSeen}`);

    // A restart on the same database: the choice and the last-seen time are still there.
    const dataDir = t.dataDir;
    await t.close({ keepData: true });
    t = await start(dataDir);
    const http = t.http();
    http.accessToken = (await http.login('bob', 'correct horse battery')).accessToken;
    assert.equal((await http.user('alice')).lastSeen, card.lastSeen);
    const login = await t.http().login('alice', 'correct horse battery');
    const again = await t.connect(login.accessToken);
    assert.equal(again.welcome.availability, 'away', 'the stored choice, on a new session after a restart');
    assert.deepEqual(await http.user('alice'), { username: 'alice', status: 'online', availability: 'away' });
    again.close();
  });

  it('answers 404 not_found for an unknown user or a name nobody can have, 401 without a token', async () => {
    const t = await start();
    const carol = await t.user('carol');
    await assert.rejects(carol.http.user('nobody-here'), (error: unknown) => error instanceof HubbubError && error.status === 404 && error.code === 'not_found');
    await assert.rejects(carol.http.user('no spaces allowed'), (error: unknown) => error instanceof HubbubError && error.status === 404 && error.code === 'not_found');
    await assert.rejects(t.http().user('carol'), (error: unknown) => error instanceof HubbubError && error.status === 401);
    // Never online yet: offline, with no last-seen time.
    const dave = await t.user('dave');
    assert.deepEqual(await dave.http.user('carol'), { username: 'carol', status: 'offline' });
  });
});
