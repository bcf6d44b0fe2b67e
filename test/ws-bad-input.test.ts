// Bad input on the WebSocket: each gets a typed error echoing the id, and the connection, the
// room and the server stay usable afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { ErrorEvent } from '../src/protocol/events.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { HubbubError } from '../src/client/errors.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

/** Sends a raw frame and waits for the error event it causes. */
async function errorFor(socket: HubbubSocket, frame: string): Promise<ErrorEvent> {
  const errors: ErrorEvent[] = [];
  const off = socket.on('error', (e) => errors.push(e as ErrorEvent));
  socket.raw(frame);
  await eventually(() => errors.length > 0, `an error for ${frame.slice(0, 40)}`);
  off();
  return errors[0]!;
}

describe('bad input on the WebSocket', () => {
  let t: TestServer;
  let socket: HubbubSocket;
  before(async () => {
    t = await startTestServer({ MAX_TEXT_LENGTH: '100', MAX_FRAME_BYTES: '4096', MESSAGE_RATE_LIMIT: '5' });
    const user = await t.user('tester');
    socket = await t.connect(user.token);
    await socket.join('sandbox');
  });
  after(() => t.close());

  const cases: [string, string, string, string | undefined][] = [
    ['invalid JSON', '{"type":"send",', 'invalid_request', undefined],
    ['a JSON array', '[1,2]', 'invalid_request', undefined],
    ['an unknown type', '{"type":"teleport","id":"u1"}', 'invalid_request', 'u1'],
    ['a missing type', '{"id":"u2"}', 'invalid_request', 'u2'],
    ['a missing field', '{"type":"join","id":"m1"}', 'invalid_request', 'm1'],
    ['a wrong-typed field', '{"type":"join","id":"m2","room":42}', 'invalid_request', 'm2'],
    ['a malformed room key', '{"type":"join","id":"m3","room":"Not A Slug!"}', 'invalid_request', 'm3'],
    ['an unknown extra field', '{"type":"ping","id":"m4","extra":true}', 'invalid_request', 'm4'],
    ['send with both room and to', '{"type":"send","id":"m5","room":"sandbox","to":"tester","text":"x"}', 'invalid_request', 'm5'],
    ['empty text', '{"type":"send","id":"m6","room":"sandbox","text":""}', 'invalid_request', 'm6'],
    ['text over the configured limit', `{"type":"send","id":"m7","room":"sandbox","text":"${'x'.repeat(101)}"}`, 'invalid_request', 'm7'],
    ['history with before and after', '{"type":"history","id":"m8","room":"sandbox","before":5,"after":1}', 'invalid_request', 'm8'],
    ['history limit over 200', '{"type":"history","id":"m9","room":"sandbox","limit":201}', 'invalid_request', 'm9'],
    ['a negative seq', '{"type":"read","id":"m10","room":"sandbox","seq":-1}', 'invalid_request', 'm10'],
    ['an id longer than 64', `{"type":"ping","id":"${'i'.repeat(65)}"}`, 'invalid_request', undefined],
    ['a second hello', '{"type":"hello","id":"h2","token":"x"}', 'invalid_request', 'h2'],
    ['history of a room that does not exist', '{"type":"history","id":"n1","room":"nowhere"}', 'not_found', 'n1'],
    ['send to a room that does not exist', '{"type":"send","id":"n2","room":"nowhere","text":"x"}', 'not_found', 'n2'],
    ['a dm to an unknown user', '{"type":"send","id":"n3","to":"ghost_user","text":"x"}', 'not_found', 'n3'],
    ['a dm to oneself', '{"type":"send","id":"n4","to":"tester","text":"x"}', 'invalid_request', 'n4'],
    // PostgreSQL cannot store U+0000, and a lone surrogate has no UTF-8 form: one rule for both databases.
    ['text with U+0000', '{"type":"send","id":"t1","room":"sandbox","text":"a\\u0000b"}', 'invalid_request', 't1'],
    ['text with a lone surrogate', '{"type":"send","id":"t2","room":"sandbox","text":"a\\ud800b"}', 'invalid_request', 't2'],
    ['text with a lone low surrogate', '{"type":"send","id":"t3","room":"sandbox","text":"\\udc00"}', 'invalid_request', 't3'],
    // The clientMsgId is stored and echoed too: the database would keep U+FFFD for the surrogate.
    ['a clientMsgId with a lone surrogate', '{"type":"send","id":"t4","room":"sandbox","text":"x","clientMsgId":"c\\ud800"}', 'invalid_request', 't4'],
    ['a clientMsgId with U+0000', '{"type":"send","id":"t5","room":"sandbox","text":"x","clientMsgId":"c\\u0000"}', 'invalid_request', 't5'],
  ];

  for (const [name, frame, code, id] of cases) {
    it(`answers ${name} with ${code}`, async () => {
      const error = await errorFor(socket, frame);
      assert.equal(error.code, code);
      assert.equal(error.id, id);
      assert.equal(typeof error.message, 'string');
      await socket.ping(); // still usable
    });
  }

  it('refuses a binary frame with an error and keeps the connection', async () => {
    const user = await t.user('binary_sender');
    const raw = new WebSocket(t.wsUrl);
    const frames: string[] = [];
    raw.on('message', (data) => frames.push(String(data)));
    await new Promise((resolve) => raw.on('open', resolve));
    raw.send(JSON.stringify({ type: 'hello', token: user.token }));
    await eventually(() => frames.some((f) => f.includes('"welcome"')), 'welcome');
    raw.send(Buffer.from([1, 2, 3]), { binary: true });
    await eventually(() => frames.some((f) => f.includes('binary frames')), 'binary error');
    raw.send(JSON.stringify({ type: 'ping', id: 'after-binary' }));
    await eventually(() => frames.some((f) => f.includes('after-binary')), 'pong after binary');
    raw.close();
  });

  it('closes a connection that sends an over-size frame with 1009, and the server stays up', async () => {
    const user = await t.user('big_sender');
    const big = await t.connect(user.token);
    big.raw(JSON.stringify({ type: 'send', room: 'sandbox', text: 'y'.repeat(5000) }));
    const closed = await big.closed;
    assert.equal(closed.code, 1009);
    await socket.ping();
    const again = await t.connect(user.token);
    await again.ping();
  });

  it('rate-limits a flood of messages with rate_limited, then lets the user send again', async () => {
    const user = await t.user('flooder');
    const flood = await t.connect(user.token);
    await flood.join('sandbox');
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => flood.send('sandbox', `f${i}`, `f${i}`)));
    const limited = results.filter((r) => r.status === 'rejected');
    assert.ok(limited.length >= 15, `expected most of 30 to be limited, got ${limited.length}`);
    for (const r of limited) assert.equal(((r as PromiseRejectedResult).reason as HubbubError).code, 'rate_limited');
    assert.ok(results.some((r) => r.status === 'fulfilled'));
    await flood.ping(); // the connection survives the flood
    const page = await flood.history('sandbox', { limit: 200 });
    const stored = page.messages.filter((m) => m.from === 'flooder').length;
    assert.equal(stored, results.length - limited.length, 'exactly the acknowledged messages are stored');
  });

  it('forbids a non-member from writing to a private room, and reading it', async () => {
    const owner = await t.user('owner');
    await owner.http.createRoom('vault', 'private');
    await assert.rejects(socket.send('vault', 'let me in'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(socket.history('vault'), (e: HubbubError) => e.code === 'forbidden');
    await assert.rejects(socket.request({ type: 'read', room: 'vault', seq: 0 }), (e: HubbubError) => e.code === 'forbidden');
    await socket.ping();
  });

  it('closes with 4001 when hello carries a garbage token, and logs no token', async () => {
    const raw = new WebSocket(t.wsUrl);
    await new Promise((resolve) => raw.on('open', resolve));
    const frames: string[] = [];
    raw.on('message', (data) => frames.push(String(data)));
    raw.send(JSON.stringify({ type: 'hello', id: 'h', token: 'not.a.jwt' }));
    const code = await new Promise<number>((resolve) => raw.on('close', (c) => resolve(c)));
    assert.equal(code, 4001);
    assert.ok(frames.some((f) => f.includes('"unauthorized"')));
    assert.ok(!frames.join('').includes('not.a.jwt'), 'the error does not echo the token');
  });
});
