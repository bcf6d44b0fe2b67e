// Presence, typing, read receipts, unread counts, membership events and resume, over a real
// server and real WebSockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HubbubError } from '../src/client/errors.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { HubbubHttp } from '../src/client/http-client.js';
import type { MemberEvent, MessageEvent, PresenceEvent, ReceiptEvent, TypingEvent } from '../src/protocol/events.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `count` messages, keeping at most 100 unanswered (the server caps commands in flight). */
async function sendMany(socket: HubbubSocket, room: string, count: number, label: string): Promise<void> {
  for (let base = 0; base < count; base += 100) {
    const batch = [];
    for (let i = base; i < Math.min(count, base + 100); i++) batch.push(socket.send(room, `${label} ${i}`));
    await Promise.all(batch);
  }
}

describe('presence', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ PRESENCE_GRACE_MS: '400', MESSAGE_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  it('is per user: a second tab keeps the user online; the last one closing announces offline once, after the grace', async () => {
    const watcher = await t.connect(await t.tokenFor('watcher'));
    await watcher.join('presence-room');
    const events: PresenceEvent[] = [];
    watcher.on('presence', (e) => events.push(e));

    const tabToken = await t.tokenFor('tabby');
    const tab1 = await t.connect(tabToken);
    await tab1.join('presence-room');
    // Coming to share a room, the watcher learns that tabby is online.
    await eventually(() => events.some((e) => e.user === 'tabby' && e.status === 'online'), 'online on join');
    events.length = 0;
    const tab2 = await t.connect(tabToken);
    const members = await new HubbubHttp(t.url, await t.tokenFor('watcher')).members('presence-room');
    assert.deepEqual(members.find((m) => m.username === 'tabby')?.status, 'online');

    tab1.close();
    await tab1.closed;
    await sleep(700); // longer than the grace: still online thanks to the second tab
    assert.deepEqual(events.filter((e) => e.user === 'tabby'), []);

    tab2.close();
    await tab2.closed;
    await sleep(150);
    assert.deepEqual(events.filter((e) => e.user === 'tabby'), [], 'not before the grace period');
    await eventually(() => events.some((e) => e.user === 'tabby' && e.status === 'offline'), 'offline');
    await sleep(600);
    assert.deepEqual(events.filter((e) => e.user === 'tabby'), [{ type: 'presence', user: 'tabby', status: 'offline' }]);
    const after = await new HubbubHttp(t.url, await t.tokenFor('watcher')).members('presence-room');
    assert.equal(after.find((m) => m.username === 'tabby')?.status, 'offline');
  });

  it('announces nothing when the user reconnects within the grace period, and online when it comes back later', async () => {
    const watcher = await t.connect(await t.tokenFor('watcher2'));
    await watcher.join('flappy');
    const token = await t.tokenFor('reloader');
    const events: PresenceEvent[] = [];
    watcher.on('presence', (e) => events.push(e));
    const first = await t.connect(token);
    await first.join('flappy');
    await eventually(() => events.length === 1, 'online on join');
    events.length = 0;
    first.close();
    await first.closed;
    const second = await t.connect(token); // a page reload
    await sleep(700);
    assert.equal(events.length, 0);
    second.close();
    await eventually(() => events.length === 1, 'offline after the last tab');
    await t.connect(token);
    await eventually(() => events.length === 2, 'online again');
    assert.deepEqual(events.map((e) => e.status), ['offline', 'online']);
  });

  it('lists online co-members in welcome', async () => {
    const a = await t.connect(await t.tokenFor('early_bird'));
    await a.join('breakfast');
    const bToken = await t.tokenFor('late_riser');
    const b0 = await t.connect(bToken);
    await b0.join('breakfast');
    b0.close();
    const b = await t.connect(bToken);
    assert.ok(b.welcome.online.includes('early_bird'));
    assert.ok(!b.welcome.online.includes('late_riser'));
  });
});

describe('typing', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  it('relays to the other members only, throttles repeats, and clears on send, leave and disconnect', async () => {
    const typist = await t.connect(await t.tokenFor('typist'));
    const typistTab2 = await t.connect(await t.tokenFor('typist'));
    const reader = await t.connect(await t.tokenFor('reader'));
    await typist.join('chatter');
    await reader.join('chatter');
    const seen: TypingEvent[] = [];
    const own: TypingEvent[] = [];
    reader.on('typing', (e) => seen.push(e));
    typistTab2.on('typing', (e) => own.push(e));

    typist.typing('chatter', true);
    typist.typing('chatter', true);
    typist.typing('chatter', true);
    await eventually(() => seen.length === 1, 'the first typing mark');
    await typist.ping();
    await reader.ping();
    assert.deepEqual(seen, [{ type: 'typing', room: 'chatter', user: 'typist', active: true }], 'repeats within a second are throttled');

    await typist.send('chatter', 'done typing');
    await eventually(() => seen.length === 2, 'cleared by the send');
    assert.equal(seen[1]!.active, false);

    typist.typing('chatter', true);
    await sleep(1100);
    typist.typing('chatter', true);
    await eventually(() => seen.length === 3, 'a new mark after the throttle');
    typist.close();
    await eventually(() => seen.length === 4, 'cleared by the disconnect');
    assert.deepEqual(seen[3], { type: 'typing', room: 'chatter', user: 'typist', active: false });
    assert.deepEqual(own, [], 'the typist’s own tabs are not told');
  });

  it('refuses typing in a room the user is not in, without relaying it', async () => {
    const outsider = await t.connect(await t.tokenFor('outsider'));
    const insider = await t.connect(await t.tokenFor('insider'));
    await insider.join('closed-circle');
    const seen: TypingEvent[] = [];
    insider.on('typing', (e) => seen.push(e));
    const errors: string[] = [];
    outsider.on('error', (e) => errors.push(e.code));
    outsider.typing('closed-circle', true);
    await eventually(() => errors.length === 1, 'an error');
    assert.deepEqual(errors, ['forbidden']);
    await insider.ping();
    assert.deepEqual(seen, []);
  });
});

describe('read receipts and unread counts', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  it('moves the read position forward only, tells the room and every device, and counts unread without own messages', async () => {
    const writerToken = await t.tokenFor('writer');
    const readerToken = await t.tokenFor('bookworm');
    const writer = await t.connect(writerToken);
    const phone = await t.connect(readerToken);
    const laptop = await t.connect(readerToken);
    await writer.join('novel');
    await phone.join('novel');
    for (let i = 1; i <= 5; i++) await writer.send('novel', `chapter ${i}`);
    await phone.send('novel', 'my own note'); // seq 6, not unread for its author

    const http = new HubbubHttp(t.url, readerToken);
    let room = (await http.rooms()).find((r) => r.room === 'novel')!;
    assert.deepEqual([room.lastSeq, room.readSeq, room.unread], [6, 0, 5]);

    const receipts: ReceiptEvent[] = [];
    const laptopReceipts: ReceiptEvent[] = [];
    writer.on('receipt', (e) => receipts.push(e));
    laptop.on('receipt', (e) => laptopReceipts.push(e));
    const ack = await phone.read('novel', 3);
    assert.equal(ack.seq, 3);
    await eventually(() => receipts.length === 1 && laptopReceipts.length === 1, 'receipts');
    assert.deepEqual(receipts[0], { type: 'receipt', room: 'novel', user: 'bookworm', seq: 3 });

    const back = await phone.read('novel', 1);
    assert.equal(back.seq, 3, 'a lower seq does not move the position back');
    await writer.ping();
    assert.equal(receipts.length, 1, 'no receipt for a step back');

    room = (await http.rooms()).find((r) => r.room === 'novel')!;
    assert.deepEqual([room.readSeq, room.unread], [3, 2]);
    const fresh = await t.connect(readerToken);
    assert.deepEqual(fresh.welcome.rooms.find((r) => r.room === 'novel'), { room: 'novel', lastSeq: 6, readSeq: 3, unread: 2 });

    await assert.rejects(phone.read('novel', 7), (e: HubbubError) => e.code === 'invalid_request');
    await assert.rejects(phone.read('nowhere-room', 1), (e: HubbubError) => e.code === 'forbidden');
    await phone.ping();
  });
});

describe('membership events', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('tells the room when someone joins and leaves', async () => {
    const host = await t.connect(await t.tokenFor('host'));
    await host.join('party');
    const events: MemberEvent[] = [];
    host.on('member', (e) => events.push(e));
    const guest = await t.connect(await t.tokenFor('guest'));
    await guest.join('party');
    await guest.join('party'); // joining again is not news
    await guest.leave('party');
    await eventually(() => events.length === 2, 'joined and left');
    // Each also says where it sits among the messages (here: before the first) and when.
    assert.deepEqual(
      events.map(({ ts, ...rest }) => ({ ...rest, ts: typeof ts })),
      [
        { type: 'member', room: 'party', user: 'guest', action: 'joined', afterSeq: 0, ts: 'string' },
        { type: 'member', room: 'party', user: 'guest', action: 'left', afterSeq: 0, ts: 'string' },
      ],
    );
  });
});

describe('resume', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0' });
  });
  after(() => t.close());

  it('replays what was missed, in order, then continues live with no gap and no duplicate', async () => {
    const sender = await t.connect(await t.tokenFor('sender'));
    const token = await t.tokenFor('sleeper');
    const first = await t.connect(token);
    await sender.join('log');
    await first.join('log');
    for (let i = 0; i < 10; i++) await sender.send('log', `before ${i}`);
    first.close();
    await sendMany(sender, 'log', 1200, 'missed');

    const got: MessageEvent[] = [];
    const resumed = await t.connect(token, { log: 4 }, { message: (m) => got.push(m) });
    // Keep sending while the replay runs: the replay/live boundary must hold.
    await sendMany(sender, 'log', 300, 'live');
    await eventually(() => got.length >= 1506, 'replay and live messages');
    await sleep(100);
    assert.deepEqual(resumed.welcome.resumed.log, { recovered: true, missed: resumed.welcome.rooms[0]!.lastSeq - 4 });
    assert.deepEqual(got.map((m) => m.seq), Array.from({ length: 1506 }, (_, i) => i + 5));
  });

  it('does not replay rooms the user may not read, and says so', async () => {
    const owner = await t.connect(await t.tokenFor('keeper'));
    await owner.join('public-log');
    await owner.send('public-log', 'x');
    const http = new HubbubHttp(t.url, await t.tokenFor('keeper'));
    await http.createRoom('private-log', 'private');
    await owner.send('private-log', 'secret');
    const got: MessageEvent[] = [];
    const snoop = await t.connect(await t.tokenFor('snoop'), { 'private-log': 0, 'public-log': 0, 'no-such-room': 0 }, { message: (m) => got.push(m) });
    assert.deepEqual(snoop.welcome.resumed, {
      'private-log': { recovered: false, missed: 0 },
      'public-log': { recovered: false, missed: 0 },
      'no-such-room': { recovered: false, missed: 0 },
    });
    await snoop.ping();
    assert.deepEqual(got, [], 'nothing leaked');
  });

  it('refuses malformed resume maps with an error and a 4001 close', async () => {
    for (const resume of [{ 'Bad Room!': 1 }, { lobby: -1 }, { lobby: 'ten' }, [1, 2], { lobby: 1.5 }]) {
      const token = await t.tokenFor('resumer');
      const { WebSocket } = await import('ws');
      const raw = new WebSocket(t.wsUrl);
      await new Promise((resolve) => raw.on('open', resolve));
      const frames: string[] = [];
      raw.on('message', (d) => frames.push(String(d)));
      raw.send(JSON.stringify({ type: 'hello', id: 'h', token, resume }));
      const code = await new Promise<number>((resolve) => raw.on('close', (c) => resolve(c)));
      assert.equal(code, 4001, JSON.stringify(resume));
      assert.match(frames.join(''), /"code":"invalid_request"/);
    }
  });
});
