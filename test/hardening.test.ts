// Regression tests for the defects found by review and attack, driven over real HTTP and
// WebSockets against a real server. Each case names the defect it pins down.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { HubbubError } from '../src/client/errors.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { dmRoomKey } from '../src/protocol/names.js';
import type { MemberEvent, PresenceEvent, TypingEvent } from '../src/protocol/events.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a command and resolves with the error it is answered with (undefined when it succeeds). */
async function errorOf(socket: HubbubSocket, command: Parameters<HubbubSocket['request']>[0]): Promise<HubbubError | undefined> {
  try {
    await socket.request(command);
    return undefined;
  } catch (error) {
    return error as HubbubError;
  }
}

/** The `hubbub_disconnections_total` counters, by reason. */
async function disconnections(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^hubbub_disconnections_total\{reason="([a-z_]+)"\} (\d+)$/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

describe('hardening', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      MEMBERSHIP_RATE_LIMIT: '20',
      HISTORY_RATE_LIMIT: '5',
      MAX_ROOMS_PER_USER: '5',
      ROOM_CREATE_RATE_LIMIT: '4',
      MAX_FRAME_BYTES: '4096',
    });
  });
  after(() => t.close());

  it('announces a leave to the leaver’s other tabs (defect 9)', async () => {
    const token = await t.tokenFor('two_tabs');
    const tabA = await t.connect(token);
    const tabB = await t.connect(token);
    await tabA.join('leave-me');
    const seen: MemberEvent[] = [];
    tabB.on('member', (e) => seen.push(e));
    await tabA.leave('leave-me');
    await eventually(() => seen.some((e) => e.action === 'left' && e.room === 'leave-me' && e.user === 'two_tabs'), 'the left event in the other tab');
  });

  it('keeps a direct conversation: it cannot be left, and a send by its key reaches the partner (defect 10)', async () => {
    const alice = await t.connect(await t.tokenFor('dm_alice'));
    const bob = await t.connect(await t.tokenFor('dm_bob'));
    await alice.sendDirect('dm_bob', 'hi bob', 'd1');
    const key = dmRoomKey('dm_alice', 'dm_bob');
    const refused = await errorOf(bob, { type: 'leave', room: key });
    assert.equal(refused?.code, 'forbidden');
    const received: string[] = [];
    bob.on('message', (m) => received.push(m.text));
    await alice.send(key, 'still there?', 'd2');
    await eventually(() => received.includes('still there?'), 'the partner gets the message');
  });

  it('relays a flood of alternating typing marks at most once per second (defect 6)', async () => {
    const typist = await t.connect(await t.tokenFor('flood_typist'));
    const reader = await t.connect(await t.tokenFor('flood_reader'));
    await typist.join('typing-flood');
    await reader.join('typing-flood');
    const relayed: TypingEvent[] = [];
    reader.on('typing', (e) => relayed.push(e));
    const started = Date.now();
    for (let i = 0; i < 200; i++) typist.typing('typing-flood', i % 2 === 0);
    await typist.ping();
    await sleep(1500);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(relayed.length >= 1, 'something was relayed');
    assert.ok(relayed.length <= Math.ceil(seconds) + 1, `${relayed.length} typing events for 200 commands in ${seconds.toFixed(1)} s`);
    assert.equal(relayed.at(-1)?.active, false, 'the last state sent is the last state relayed');
  });

  it('rate-limits join/leave loops with rate_limited and a retryAfter (defect 6)', async () => {
    const looper = await t.connect(await t.tokenFor('looper'));
    const watcher = await t.connect(await t.tokenFor('loop_watcher'));
    await watcher.join('loop-room');
    const memberEvents: MemberEvent[] = [];
    watcher.on('member', (e) => memberEvents.push(e));
    const errors: HubbubError[] = [];
    for (let i = 0; i < 30; i++) {
      const error = await errorOf(looper, { type: i % 2 === 0 ? 'join' : 'leave', room: 'loop-room' });
      if (error !== undefined) errors.push(error);
    }
    assert.ok(errors.length >= 10, `${errors.length} of 30 refused`);
    for (const error of errors) {
      assert.equal(error.code, 'rate_limited');
      assert.ok(typeof error.retryAfter === 'number' && error.retryAfter > 0, 'says when to retry');
    }
    await sleep(100);
    assert.ok(memberEvents.length <= 20, `${memberEvents.length} member events reached the room`);
  });

  it('caps the rooms a user may be in, and how fast one creates rooms (defect 7)', async () => {
    const hoarder = await t.connect(await t.tokenFor('hoarder'));
    // Four new rooms are allowed this hour; the fifth creation is refused.
    for (let i = 0; i < 4; i++) await hoarder.join(`hoard-${i}`);
    const tooFast = await errorOf(hoarder, { type: 'join', room: 'hoard-4' });
    assert.equal(tooFast?.code, 'rate_limited');
    // Joining rooms that exist is no creation; the sixth membership is over MAX_ROOMS_PER_USER=5.
    const owner = await t.connect(await t.tokenFor('hoard_owner'));
    await owner.join('existing-1');
    await owner.join('existing-2');
    await hoarder.join('existing-1');
    const tooMany = await errorOf(hoarder, { type: 'join', room: 'existing-2' });
    assert.equal(tooMany?.code, 'too_many_rooms');
  });

  it('lists only the caller’s rooms in GET /api/rooms (defect 7)', async () => {
    const owner = await t.user('lister_owner');
    await owner.http.createRoom('not-yours', 'public');
    const other = await t.user('lister_other');
    const rooms = await other.http.rooms();
    assert.ok(!rooms.some((r) => r.room === 'not-yours'));
    assert.ok((await owner.http.rooms()).some((r) => r.room === 'not-yours' && r.member));
  });

  it('pages the public directory, searchable by name, without private rooms or conversations (defect 7)', async () => {
    const owner = await t.user('dir_owner');
    for (const room of ['dir-alpha', 'dir-beta', 'dir-gamma']) await owner.http.createRoom(room, 'public');
    await owner.http.createRoom('dir-secret', 'private');
    const seeker = await t.user('dir_seeker');
    type Page = { rooms: { room: string; members: number; member: boolean; visibility: string }[]; next?: string };
    const first = (await seeker.http.request('GET', '/api/rooms/directory?q=DIR-&limit=2')) as Page;
    assert.deepEqual(first.rooms.map((r) => r.room), ['dir-alpha', 'dir-beta']);
    assert.ok(first.rooms.every((r) => r.visibility === 'public' && r.members === 1 && !r.member));
    assert.equal(typeof first.next, 'string');
    const second = (await seeker.http.request('GET', `/api/rooms/directory?q=dir-&limit=2&cursor=${encodeURIComponent(first.next!)}`)) as Page;
    assert.deepEqual(second.rooms.map((r) => r.room), ['dir-gamma']);
    assert.equal(second.next, undefined);
    const literal = (await seeker.http.request('GET', '/api/rooms/directory?q=dir_')) as Page;
    assert.deepEqual(literal.rooms, [], '_ is a character, not a wildcard');
    await assert.rejects(seeker.http.request('GET', '/api/rooms/directory?limit=0x10'), (e: HubbubError) => e.status === 400);
  });

  it('counts HTTP history pages against the same limit as the socket’s (defect 12)', async () => {
    const reader = await t.user('http_history_hog');
    await reader.http.createRoom('http-history', 'public');
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => reader.http.messages('http-history', { limit: 200 })));
    const limited = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as HubbubError);
    assert.ok(limited.length >= 15, `${limited.length} of 30 limited`);
    assert.ok(limited.every((e) => e.code === 'rate_limited' && e.status === 429 && (e.retryAfter ?? 0) > 0));
  });

  it('tells two users who come to share a room whether the other is online (defect 8)', async () => {
    const early = await t.connect(await t.tokenFor('share_early'));
    await early.join('shared-later');
    const lateEvents: PresenceEvent[] = [];
    const earlyEvents: PresenceEvent[] = [];
    early.on('presence', (e) => earlyEvents.push(e));
    const late = await t.connect(await t.tokenFor('share_late'), undefined, { presence: (e) => lateEvents.push(e) });
    assert.ok(!late.welcome.online.includes('share_early'), 'no shared room yet');
    await late.join('shared-later');
    await eventually(() => lateEvents.some((e) => e.user === 'share_early' && e.status === 'online'), 'the newcomer learns the member is online');
    await eventually(() => earlyEvents.some((e) => e.user === 'share_late' && e.status === 'online'), 'the member learns the newcomer is online');
  });

  it('rate-limits history pages with rate_limited and a retryAfter (defect 12)', async () => {
    const reader = await t.connect(await t.tokenFor('history_hog'));
    await reader.join('history-room');
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => errorOf(reader, { type: 'history', room: 'history-room', limit: 200 })));
    const limited = outcomes.filter((e) => e?.code === 'rate_limited');
    assert.ok(limited.length >= 15, `${limited.length} of 30 limited`);
    assert.ok(limited.every((e) => (e?.retryAfter ?? 0) > 0));
    assert.ok(outcomes.some((e) => e === undefined), 'some pages were served');
  });

  it('does not claim to recover a room resumed past its end (defect 13)', async () => {
    const token = await t.tokenFor('time_traveller');
    const first = await t.connect(token);
    await first.join('short-room');
    await first.send('short-room', 'one', 'tt1');
    first.close();
    const back = await t.connect(token, { 'short-room': 999 });
    assert.deepEqual(back.welcome.resumed['short-room'], { recovered: false, missed: 0 });
    const fine = await t.connect(token, { 'short-room': 0 });
    assert.deepEqual(fine.welcome.resumed['short-room'], { recovered: true, missed: 1 });
  });

  it('closes with 1007 on invalid UTF-8, labels closes by code in the metrics, and stays up (defect 13)', async () => {
    const token = await t.tokenFor('bad_bytes');
    const raw = new WebSocket(`${t.wsUrl}?token=${token}`);
    await new Promise((resolve) => raw.on('open', resolve));
    raw.send(JSON.stringify({ type: 'hello' }));
    await new Promise((resolve) => raw.once('message', resolve));
    raw.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    const code = await new Promise<number>((resolve) => raw.on('close', (c) => resolve(c)));
    assert.equal(code, 1007);
    const big = await t.connect(token);
    big.raw(JSON.stringify({ type: 'send', room: 'x', text: 'y'.repeat(5000) }));
    assert.equal((await big.closed).code, 1009);
    // Counted when the server side of each connection has closed.
    let counts: Record<string, number> = {};
    for (let i = 0; i < 50 && !(counts.invalid_payload === 1 && counts.too_big === 1); i++) {
      counts = await disconnections(t.url);
      await sleep(50);
    }
    assert.equal(counts.invalid_payload, 1, JSON.stringify(counts));
    assert.equal(counts.too_big, 1, JSON.stringify(counts));
    await (await t.connect(token)).ping();
  });
});

describe('hardening: errors a client can act on', () => {
  it('answers rate_limited with the seconds to wait', async () => {
    const t = await startTestServer({ MESSAGE_RATE_LIMIT: '1' });
    try {
      const sender = await t.connect(await t.tokenFor('hasty'));
      await sender.join('pace');
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => sender.send('pace', `m${i}`, `p${i}`)));
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as HubbubError);
      assert.ok(refused.length > 0 && refused.every((e) => e.code === 'rate_limited'));
      const error = await errorOf(sender, { type: 'send', room: 'pace', text: 'again', clientMsgId: 'p9' });
      assert.equal(error?.code, 'rate_limited');
      assert.ok((error?.retryAfter ?? 0) > 0);
    } finally {
      await t.close();
    }
  });
});
