// Rooms, messages, direct messages and history over a real server and real WebSockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MemberEvent, MessageEvent } from '../src/protocol/events.js';
import type { HubbubError } from '../src/client/errors.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

describe('rooms and messages over WebSocket', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  it('welcomes an authenticated hello with the user and no rooms', async () => {
    const alice = await t.user('alice');
    const socket = await t.connect(alice.token);
    assert.equal(socket.welcome.user.username, 'alice');
    assert.deepEqual(socket.welcome.rooms, []);
    assert.match(socket.welcome.sessionId, /^[0-9a-f-]{36}$/);
    socket.close();
  });

  it('joins a new public room, sends, and every member connection receives it in order', async () => {
    const bob = await t.user('bob');
    const carol = await t.user('carol');
    const bob1 = await t.connect(bob.token);
    const bob2 = await t.connect(bob.token); // a second tab
    const carol1 = await t.connect(carol.token);

    const joined = await bob1.join('lobby');
    assert.equal(joined.room, 'lobby');
    assert.equal(joined.lastSeq, 0);
    const members: MemberEvent[] = [];
    bob2.on('member', (e) => members.push(e));
    await carol1.join('lobby');

    const seen = { bob1: [] as MessageEvent[], bob2: [] as MessageEvent[], carol1: [] as MessageEvent[] };
    bob1.on('message', (m) => seen.bob1.push(m));
    bob2.on('message', (m) => seen.bob2.push(m));
    carol1.on('message', (m) => seen.carol1.push(m));

    const ack1 = await bob1.send('lobby', 'hello', 'b-1');
    const ack2 = await carol1.send('lobby', 'hi bob', 'c-1');
    assert.equal(ack1.seq, 1);
    assert.equal(ack2.seq, 2);
    assert.ok(ack1.msgId && ack1.ts);

    await eventually(() => seen.bob2.length === 2 && seen.carol1.length === 2 && seen.bob1.length === 2, 'both messages everywhere');
    for (const list of Object.values(seen)) {
      assert.deepEqual(list.map((m) => [m.seq, m.from, m.text]), [
        [1, 'bob', 'hello'],
        [2, 'carol', 'hi bob'],
      ]);
    }
    assert.equal(seen.carol1[0]!.clientMsgId, 'b-1');
    await eventually(() => members.some((m) => m.user === 'carol' && m.action === 'joined'), 'member event');
  });

  it('acknowledges a retried clientMsgId with the first ack and stores one message', async () => {
    const dave = await t.user('dave');
    const socket = await t.connect(dave.token);
    await socket.join('retries');
    const first = await socket.send('retries', 'once', 'same-id');
    const again = await socket.send('retries', 'once', 'same-id');
    assert.deepEqual(again, { ...first, id: again.id });
    const page = await socket.history('retries');
    assert.equal(page.messages.length, 1);
  });

  it('sends a direct message to a user, creating the dm room with both as members', async () => {
    const erin = await t.user('erin');
    const frank = await t.user('Frank');
    const erinSocket = await t.connect(erin.token);
    const frankSocket = await t.connect(frank.token);
    const got: MessageEvent[] = [];
    frankSocket.on('message', (m) => got.push(m));
    const ack = await erinSocket.sendDirect('frank', 'psst');
    assert.equal(ack.room, 'dm:erin:frank');
    await eventually(() => got.length === 1, 'the dm');
    assert.equal(got[0]!.room, 'dm:erin:frank');
    assert.equal(got[0]!.from, 'erin');

    const rooms = await frank.http.rooms();
    assert.ok(rooms.some((r) => r.room === 'dm:erin:frank' && r.visibility === 'dm' && r.member && r.unread === 1));
    const outsider = await t.user('grace');
    await assert.rejects(outsider.http.messages('dm:erin:frank'), (e: HubbubError) => e.status === 403 && e.code === 'forbidden');
    const graceSocket = await t.connect(outsider.token);
    await assert.rejects(graceSocket.send('dm:erin:frank', 'let me in'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(graceSocket.join('dm:erin:frank'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(graceSocket.sendDirect('nobody-here', 'hello?'), (e: HubbubError) => e.code === 'not_found');
  });

  it('pages history in both directions by seq', async () => {
    const henry = await t.user('henry');
    const socket = await t.connect(henry.token);
    await socket.join('paging');
    for (let i = 1; i <= 25; i++) await socket.send('paging', `m${i}`, `p${i}`);
    const newest = await socket.history('paging', { limit: 10 });
    assert.deepEqual(newest.messages.map((m) => m.seq), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    assert.equal(newest.hasMore, true);
    const older = await socket.history('paging', { before: 16, limit: 10 });
    assert.deepEqual(older.messages.map((m) => m.seq), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const oldest = await socket.history('paging', { before: 6, limit: 10 });
    assert.deepEqual(oldest.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
    assert.equal(oldest.hasMore, false);
    const forward = await henry.http.messages('paging', { after: 20, limit: 3 });
    assert.deepEqual(forward.messages.map((m) => m.seq), [21, 22, 23]);
    assert.equal(forward.hasMore, true);
  });

  it('keeps private rooms to members: others get forbidden until invited', async () => {
    const ivy = await t.user('ivy');
    const jack = await t.user('jack');
    await ivy.http.createRoom('secret', 'private');
    const ivySocket = await t.connect(ivy.token);
    await ivySocket.send('secret', 'for members', 's-1');
    const jackSocket = await t.connect(jack.token);
    await assert.rejects(jackSocket.join('secret'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(jackSocket.history('secret'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(jackSocket.send('secret', 'hi'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(jack.http.invite('secret', 'jack'), (e: HubbubError) => e.status === 403);
    assert.ok(!(await jack.http.rooms()).some((r) => r.room === 'secret'));

    const got: MessageEvent[] = [];
    jackSocket.on('message', (m) => got.push(m));
    await ivy.http.invite('secret', 'jack');
    // The invite reaches Jack's open connection: he follows the room without reconnecting.
    await ivySocket.send('secret', 'welcome jack', 's-2');
    await eventually(() => got.length === 1, 'the message after the invite');
    assert.equal(got[0]!.text, 'welcome jack');
    const page = await jackSocket.history('secret');
    assert.equal(page.messages.length, 2);
  });

  it('leaves a room: no more events, and sending requires joining again', async () => {
    const kim = await t.user('kim');
    const lee = await t.user('lee');
    const kimSocket = await t.connect(kim.token);
    const leeSocket = await t.connect(lee.token);
    await kimSocket.join('leavers');
    await leeSocket.join('leavers');
    const got: MessageEvent[] = [];
    leeSocket.on('message', (m) => got.push(m));
    await leeSocket.leave('leavers');
    await kimSocket.send('leavers', 'anyone?');
    await leeSocket.ping(); // a round trip: anything sent before it has arrived
    assert.equal(got.length, 0);
    await assert.rejects(leeSocket.send('leavers', 'back?'), (e: HubbubError) => e.code === 'forbidden');
  });

  it('answers ping with pong carrying the id', async () => {
    const mo = await t.user('mona');
    const socket = await t.connect(mo.token);
    const pong = await socket.request({ type: 'ping' });
    assert.equal(pong.type, 'pong');
  });
});
