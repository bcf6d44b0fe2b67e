// The SDK's small parts on their own: backoff bounds, the seq tracker's dedup rule, endpoint
// rotation, JWT expiry, typing marks and typing commands.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { fullJitterDelay } from './backoff.js';
import { Endpoints, httpUrlOf, webSocketUrlOf } from './endpoints.js';
import { SeqTracker } from './seq-tracker.js';
import { TokenKeeper, jwtExpiry } from './token-keeper.js';
import { TypingSender, TypingTracker, describeTyping } from './typing-tracker.js';

describe('fullJitterDelay', () => {
  it('stays between 0 and min(max, base·2^attempt)', () => {
    assert.equal(fullJitterDelay(0, { baseMs: 100, maxMs: 1000 }, () => 0), 0);
    assert.equal(fullJitterDelay(0, { baseMs: 100, maxMs: 1000 }, () => 0.5), 50);
    assert.equal(fullJitterDelay(3, { baseMs: 100, maxMs: 1000 }, () => 0.999), 799);
    assert.equal(fullJitterDelay(10, { baseMs: 100, maxMs: 1000 }, () => 0.999), 999);
    assert.equal(fullJitterDelay(5000, { baseMs: 100, maxMs: 1000 }, () => 0.5), 500, 'no overflow');
  });
});

describe('SeqTracker', () => {
  it('accepts each seq once and only forward; follow() does not move a followed room', () => {
    const seqs = new SeqTracker({ a: 2 });
    assert.equal(seqs.accept('a', 2), false);
    assert.equal(seqs.accept('a', 3), true);
    assert.equal(seqs.accept('a', 1), false);
    seqs.follow('a', 10);
    assert.equal(seqs.position('a'), 3);
    seqs.follow('b', 7);
    assert.equal(seqs.accept('b', 7), false);
    assert.equal(seqs.accept('b', 8), true);
    seqs.forget('a');
    assert.deepEqual(seqs.snapshot(), { b: 8 });
  });
});

describe('Endpoints', () => {
  it('derives WebSocket URLs and rotates through the list', () => {
    assert.equal(webSocketUrlOf('https://chat.example.com/'), 'wss://chat.example.com/ws');
    assert.equal(webSocketUrlOf('http://127.0.0.1:3000'), 'ws://127.0.0.1:3000/ws');
    assert.equal(httpUrlOf('wss://chat.example.com/ws'), 'https://chat.example.com');
    const endpoints = new Endpoints(['http://a', 'http://b']);
    assert.equal(endpoints.current, 'http://a');
    assert.equal(endpoints.rotate(), 'http://b');
    assert.equal(endpoints.rotate(), 'http://a');
  });
});

describe('TokenKeeper', () => {
  const jwt = (payload: object): string => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;

  it('reads exp from a JWT and renews a quarter of a short life ahead', () => {
    assert.equal(jwtExpiry(jwt({ exp: 1000 })), 1_000_000);
    assert.equal(jwtExpiry('opaque'), undefined);
    const keeper = new TokenKeeper({ accessToken: jwt({ exp: 100 }) }, async () => ({ accessToken: 'x' }));
    assert.equal(keeper.renewIn(60_000, 60_000), 30_000, '40 s left: renew at 3/4');
    assert.equal(keeper.renewIn(0, 10_000), 90_000, '100 s left: renew 10 s ahead');
    assert.equal(new TokenKeeper({ accessToken: jwt({ exp: 100 }) }, undefined).renewIn(0, 10_000), undefined);
  });

  it('shares one renewal between concurrent callers (refresh tokens rotate)', async () => {
    let calls = 0;
    const keeper = new TokenKeeper({ accessToken: 'a', refreshToken: 'r1' }, async (current) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { accessToken: 'b', refreshToken: `${current.refreshToken}+` };
    });
    const [x, y] = await Promise.all([keeper.renew(), keeper.renew()]);
    assert.equal(calls, 1);
    assert.equal(x, y);
    assert.equal(keeper.credentials.refreshToken, 'r1+');
  });
});

describe('typing', () => {
  it('tracks marks that clear after the timeout or on a message', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const changes: string[] = [];
      const tracker = new TypingTracker((room, users) => changes.push(`${room}:${users.join(',')}`), 3000);
      tracker.typing({ room: 'r', user: 'alice', active: true });
      tracker.typing({ room: 'r', user: 'bob', active: true });
      assert.equal(describeTyping(tracker.users('r')), 'alice and bob are typing…');
      tracker.message({ room: 'r', from: 'bob' });
      assert.equal(describeTyping(tracker.users('r')), 'alice is typing…');
      mock.timers.tick(2999);
      tracker.typing({ room: 'r', user: 'alice', active: true }); // refreshed
      mock.timers.tick(2999);
      assert.deepEqual(tracker.users('r'), ['alice']);
      mock.timers.tick(1);
      assert.deepEqual(tracker.users('r'), []);
      assert.deepEqual(changes, ['r:alice', 'r:alice,bob', 'r:alice', 'r:']);
      assert.equal(describeTyping(['a', 'b', 'c']), 'several people are typing…');
    } finally {
      mock.timers.reset();
    }
  });

  it('sends active:true at most every refresh interval and active:false when idle or stopped', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sent: boolean[] = [];
      const sender = new TypingSender((active) => sent.push(active), { refreshMs: 2000, idleMs: 3000 });
      sender.input(0);
      sender.input(500);
      sender.input(2100);
      assert.deepEqual(sent, [true, true]);
      mock.timers.tick(3000);
      assert.deepEqual(sent, [true, true, false]);
      sender.stop();
      assert.deepEqual(sent, [true, true, false], 'nothing to stop');
      sender.input(10_000);
      sender.stop();
      assert.deepEqual(sent, [true, true, false, true, false]);
    } finally {
      mock.timers.reset();
    }
  });
});
