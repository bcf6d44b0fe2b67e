// Room activity (joins and leaves as the conversation's quiet lines) over a real server: the
// HTTP route with history's access rule and its validation, and the live `member` event
// carrying the same place (`afterSeq`, `ts`) a reload reads back, over a real WebSocket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HubbubError } from '../src/client/errors.js';
import type { HubbubHttp } from '../src/client/http-client.js';
import type { MemberEvent } from '../src/protocol/events.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

/** The error a call rejects with. */
async function refusal(call: Promise<unknown>): Promise<HubbubError> {
  try {
    await call;
  } catch (error) {
    return error as HubbubError;
  }
  throw new Error('the call succeeded');
}

describe('room activity', () => {
  let t: TestServer;
  let alice: { http: HubbubHttp; token: string };
  let bob: { http: HubbubHttp; token: string };
  let eve: { http: HubbubHttp; token: string };
  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0' });
    [alice, bob, eve] = [await t.user('alice'), await t.user('bob'), await t.user('eve')];
  });
  after(() => t.close());

  it('places a join and a leave live exactly where a reload reads them', async () => {
    const a = await t.connect(alice.token);
    await a.join('lounge'); // creates the room: alice joined after message 0
    await a.send('lounge', 'one');
    await a.send('lounge', 'two');
    const live: MemberEvent[] = [];
    a.on('member', (event) => live.push(event));

    const b = await t.connect(bob.token);
    await b.join('lounge');
    await a.send('lounge', 'three');
    await b.leave('lounge');
    await eventually(() => live.filter((e) => e.user === 'bob').length === 2, "bob's join and leave, live");

    const heard = live.filter((e) => e.user === 'bob').map(({ action, afterSeq, ts }) => ({ user: 'bob', action, ts, afterSeq }));
    assert.deepEqual(heard.map((e) => [e.action, e.afterSeq]), [
      ['joined', 2],
      ['left', 3],
    ]);
    for (const e of heard) assert.ok(e.ts !== undefined && !Number.isNaN(Date.parse(e.ts)), 'a time');

    const stored = await alice.http.activity('lounge');
    assert.equal(stored.hasMore, false);
    assert.deepEqual(stored.activity.map((x) => [x.user, x.action, x.afterSeq]), [
      ['alice', 'joined', 0],
      ['bob', 'joined', 2],
      ['bob', 'left', 3],
    ]);
    assert.deepEqual(stored.activity.slice(1), heard, 'the live event and the reload agree, time included');
    a.close();
    b.close();
  });

  it('reads a window of the loaded messages and limits the page', async () => {
    // lounge: alice joined after 0, bob joined after 2 and left after 3.
    assert.deepEqual((await alice.http.activity('lounge', { after: 1, before: 3 })).activity.map((x) => x.afterSeq), [2]);
    assert.deepEqual((await alice.http.activity('lounge', { before: 3 })).activity.map((x) => x.afterSeq), [0, 2]);
    const newest = await alice.http.activity('lounge', { limit: 1 });
    assert.deepEqual([newest.activity.map((x) => x.action), newest.hasMore], [['left'], true]);
    const oldest = await alice.http.activity('lounge', { after: 0, limit: 1 });
    assert.deepEqual([oldest.activity.map((x) => [x.action, x.afterSeq]), oldest.hasMore], [[['joined', 2]], true]);
  });

  it('refuses bad queries with invalid_request', async () => {
    for (const qs of ['limit=0', 'limit=201', 'after=-1', 'after=1e2', 'after=3&before=3', 'before=x', 'cursor=1']) {
      const response = await fetch(`${t.url}/api/rooms/lounge/activity?${qs}`, { headers: { authorization: `Bearer ${alice.token}` } });
      assert.equal(response.status, 400, qs);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_request', qs);
    }
  });

  it('follows the history rule: public rooms for anyone signed in, private rooms for members only', async () => {
    // A public room can be read (history and activity alike) by a non-member.
    assert.deepEqual((await eve.http.messages('lounge')).messages.length, 3);
    assert.equal((await eve.http.activity('lounge')).activity.length, 3);

    await alice.http.createRoom('backroom', 'private');
    await alice.http.invite('backroom', 'bob');
    const forEve = await refusal(eve.http.activity('backroom'));
    const historyForEve = await refusal(eve.http.messages('backroom'));
    assert.deepEqual([forEve.status, forEve.code], [historyForEve.status, historyForEve.code]);
    assert.deepEqual([forEve.status, forEve.code], [403, 'forbidden']);
    assert.deepEqual((await bob.http.activity('backroom')).activity.map((x) => [x.user, x.action, x.afterSeq]), [
      ['alice', 'joined', 0],
      ['bob', 'joined', 0],
    ], 'the creation and the invitation are joins');

    const missing = await refusal(alice.http.activity('nowhere'));
    assert.deepEqual([missing.status, missing.code], [404, 'not_found']);
    const anonymous = await fetch(`${t.url}/api/rooms/lounge/activity`);
    assert.equal(anonymous.status, 401);
  });

  it('has no lines for a direct conversation', async () => {
    const a = await t.connect(alice.token);
    const ack = await a.sendDirect('bob', 'hi bob');
    const room = ack.room!;
    assert.deepEqual(await alice.http.activity(room), { activity: [], hasMore: false });
    a.close();
  });
});
