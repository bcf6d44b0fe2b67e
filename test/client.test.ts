// HubbubClient against a real server: it rides out a server restart (resuming every room with no
// gap and no duplicate), delivers a message sent while the server was down exactly once, keeps a
// connection alive past its first access token's expiry, recovers from a 4010 close, and drops
// messages it has already seen.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { HubbubClient, type HubbubClientOptions } from '../src/client/hubbub-client.js';
import type { ConnectionState } from '../src/client/client-events.js';
import type { SendPacing } from '../src/client/send-queue.js';
import { jwtExpiry } from '../src/client/token-keeper.js';
import type { WebSocketFactory, WebSocketLike } from '../src/client/socket-client.js';
import type { MessageEvent } from '../src/protocol/events.js';
import { RestartableServer } from './support/browser.js';
import { freePort } from './support/cluster.js';
import { WS, eventually } from './support/server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const servers: RestartableServer[] = [];
const clients: HubbubClient[] = [];
after(async () => {
  for (const client of clients) client.close();
  for (const server of servers) await server.destroy();
});

async function restartable(env: Record<string, string> = {}): Promise<RestartableServer> {
  const server = new RestartableServer(await freePort(), env);
  servers.push(server);
  await server.start();
  return server;
}

/** A started client that records its messages and states. */
function client(options: HubbubClientOptions): { client: HubbubClient; messages: MessageEvent[]; states: ConnectionState[] } {
  const c = new HubbubClient({ WebSocket: WS, pingIntervalMs: 0, ...options });
  clients.push(c);
  const messages: MessageEvent[] = [];
  const states: ConnectionState[] = [];
  c.on('message', (m) => messages.push(m));
  c.on('state', (s) => states.push(s));
  c.start();
  return { client: c, messages, states };
}

const seqsOf = (messages: readonly MessageEvent[], room: string): number[] => messages.filter((m) => m.room === room).map((m) => m.seq);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('HubbubClient', () => {
  it('reconnects after a server restart and resumes with no gap and no duplicate', async () => {
    const s = await restartable();
    const alice = client({
      url: s.url,
      credentials: { accessToken: await s.server.tokenFor('alice') },
      // A fixed delay (full jitter with random() = 1 is the ceiling) so bob can write while alice is away.
      backoff: { baseMs: 1500, maxMs: 1500 },
      random: () => 0.999,
    });
    await alice.client.whenOpen();
    await alice.client.join('restart-room');
    const bob = await s.server.connect(await s.server.tokenFor('bob'));
    await bob.join('restart-room');
    for (let i = 1; i <= 5; i++) await bob.send('restart-room', `before ${i}`);
    await eventually(() => alice.messages.length === 5, 'the first five messages');

    // The server goes away (1001) and comes back on the same port and data.
    await s.stop();
    await eventually(() => alice.client.state.status === 'reconnecting', 'reconnecting');
    const s2 = await s.start();
    // Bob writes while alice is still waiting for her next attempt: she must get these by resume.
    const bob2 = await s2.connect(await s2.tokenFor('bob'));
    for (let i = 6; i <= 10; i++) await bob2.send('restart-room', `while away ${i}`);
    await alice.client.whenOpen(10_000);
    for (let i = 11; i <= 15; i++) await bob2.send('restart-room', `after ${i}`);
    await eventually(() => alice.messages.length >= 15, 'all fifteen messages');
    await sleep(200);

    assert.deepEqual(seqsOf(alice.messages, 'restart-room'), range(1, 15), 'every seq once, in order');
    assert.deepEqual(
      alice.messages.map((m) => m.text),
      [...range(1, 5).map((i) => `before ${i}`), ...range(6, 10).map((i) => `while away ${i}`), ...range(11, 15).map((i) => `after ${i}`)],
    );
    const statuses = alice.states.map((state) => state.status);
    assert.ok(statuses.includes('reconnecting'));
    const reconnecting = alice.states.find((state) => state.status === 'reconnecting');
    assert.ok(reconnecting !== undefined && reconnecting.status === 'reconnecting' && reconnecting.delayMs > 0, 'reconnecting carries the delay');
    assert.equal(alice.client.positions()['restart-room'], 15);
  });

  it('delivers a message sent while the server is down exactly once when it comes back', async () => {
    const s = await restartable();
    const alice = client({ url: s.url, credentials: { accessToken: await s.server.tokenFor('alice') }, backoff: { baseMs: 200, maxMs: 400 } });
    await alice.client.whenOpen();
    await alice.client.join('offline-room');
    const first = alice.client.send('offline-room', 'hello before');
    await first.done;

    await s.stop();
    await eventually(() => alice.client.state.status === 'reconnecting', 'reconnecting');
    const updates: string[] = [];
    alice.client.on('send', (u) => updates.push(`${u.text}:${u.status}`));
    const pending = alice.client.send('offline-room', 'sent while down');
    assert.deepEqual(alice.client.outgoing().map((o) => o.status), ['pending']);
    await sleep(600); // a few reconnection attempts fail meanwhile
    await s.start();
    const ack = await pending.done;
    assert.equal(ack.room, 'offline-room');
    assert.equal(ack.seq, 2);

    const http = s.server.http();
    http.accessToken = await s.server.tokenFor('alice');
    const history = await http.messages('offline-room');
    assert.deepEqual(history.messages.map((m) => m.text), ['hello before', 'sent while down']);
    assert.equal(history.messages[1]?.clientMsgId, pending.clientMsgId);
    assert.deepEqual(updates, ['sent while down:pending', 'sent while down:sent']);
    await eventually(() => alice.messages.some((m) => m.clientMsgId === pending.clientMsgId), 'the echo');
    assert.equal(alice.messages.filter((m) => m.text === 'sent while down').length, 1);
  });

  it('re-sends with the same clientMsgId when an ack is lost, and the server stores the message once', async () => {
    const s = await restartable();
    const lose = { acks: 1 };
    const alice = client({
      url: s.url,
      credentials: { accessToken: await s.server.tokenFor('alice') },
      WebSocket: filteringSocket((frame) => {
        // Swallow the first send ack: the client times out and sends again.
        if (lose.acks > 0 && frame.includes('"type":"ack"') && frame.includes('"msgId"')) {
          lose.acks--;
          return false;
        }
        return true;
      }),
      sendRetry: { ackTimeoutMs: 300 },
    });
    await alice.client.whenOpen();
    await alice.client.join('retry-room');
    const sent = alice.client.send('retry-room', 'once only');
    const ack = await sent.done;
    assert.equal(lose.acks, 0, 'an ack was lost');
    const http = s.server.http();
    http.accessToken = await s.server.tokenFor('alice');
    const { messages } = await http.messages('retry-room');
    assert.deepEqual(messages.map((m) => [m.seq, m.text, m.clientMsgId]), [[ack.seq, 'once only', sent.clientMsgId]]);
  });

  it('reports a send failed only after its retries give up, and retry() sends it with the same id', async () => {
    const s = await restartable();
    const alice = client({
      url: s.url,
      credentials: { accessToken: await s.server.tokenFor('alice') },
      backoff: { baseMs: 100, maxMs: 200 },
      sendRetry: { giveUpAfterMs: 1500 },
    });
    await alice.client.whenOpen();
    await alice.client.join('giveup-room');
    await s.stop();
    const statuses: string[] = [];
    alice.client.on('send', (u) => statuses.push(u.status));
    const doomed = alice.client.send('giveup-room', 'too late');
    await assert.rejects(doomed.done, (error: Error & { code?: string }) => error.code === 'unavailable');
    assert.deepEqual(statuses, ['pending', 'failed']);

    await s.start();
    const again = alice.client.retry(doomed.clientMsgId);
    assert.equal(again?.clientMsgId, doomed.clientMsgId);
    const ack = await again!.done;
    assert.equal(ack.seq, 1);
    assert.deepEqual(statuses, ['pending', 'failed', 'pending', 'sent']);
  });

  it('keeps one sender\'s messages in typed order past the rate limit, losing none', { timeout: 30_000 }, async () => {
    // 50 per second, bursts of 100: 200 quick messages run into the limit twice or more.
    const s = await restartable({ MESSAGE_RATE_LIMIT: '50' });
    const alice = client({ url: s.url, credentials: { accessToken: await s.server.tokenFor('alice') } });
    const bob = client({ url: s.url, credentials: { accessToken: await s.server.tokenFor('bob') } });
    await alice.client.whenOpen();
    await bob.client.whenOpen();
    await alice.client.join('quick-room');
    await bob.client.join('quick-room');
    const pacing: (readonly SendPacing[])[] = [];
    bob.client.on('pacing', (p) => pacing.push(p));
    const texts = range(1, 200).map((i) => `quick ${i}`);
    const sends = texts.map((text) => bob.client.send('quick-room', text));
    const settled = await Promise.allSettled(sends.map((sent) => sent.done));
    assert.deepEqual(settled.filter((r) => r.status === 'rejected').length, 0, 'no message given up');
    await eventually(() => alice.messages.length >= 200, 'all 200 messages at alice', 20_000);
    assert.deepEqual(alice.messages.map((m) => m.text), texts, 'received in typed order');
    assert.deepEqual(alice.messages.map((m) => m.clientMsgId), sends.map((sent) => sent.clientMsgId));
    assert.deepEqual(seqsOf(alice.messages, 'quick-room'), range(1, 200), 'stored in typed order');
    // Bob's client said it was held by the limit (until a time about a second ahead), and that it ended.
    const held = pacing.find((p) => p.length > 0)?.[0];
    assert.ok(held !== undefined && held.room === 'quick-room' && held.until > Date.now() - 30_000, 'a pacing event for the room');
    assert.deepEqual(pacing.at(-1), [], 'no longer paced once everything is sent');
    assert.deepEqual(bob.client.pacing(), []);
  });

  it('renews the access token before it expires and keeps the same connection open past it', { timeout: 30_000 }, async () => {
    const s = await restartable({ ACCESS_TOKEN_TTL: '10' });
    const tokens = await s.server.http().register('renewer', 'correct horse battery');
    assert.equal(tokens.expiresIn, 10);
    const renewed: string[] = [];
    const alice = client({
      url: s.url,
      credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + tokens.expiresIn * 1000 },
    });
    alice.client.on('tokens', (c) => renewed.push(c.refreshToken ?? ''));
    const socket = await alice.client.whenOpen();
    const sessionId = socket.welcome.sessionId;
    await alice.client.join('renew-room');

    await sleep(12_000); // past the first token's expiry
    assert.equal(alice.client.state.status, 'open');
    assert.equal(alice.client.state.status === 'open' && alice.client.state.sessionId, sessionId, 'the same connection');
    assert.ok(renewed.length >= 1, 'renewed at least once');
    assert.notEqual(renewed[0], tokens.refreshToken, 'the refresh token rotated');
    assert.deepEqual(alice.states.filter((state) => state.status === 'reconnecting'), []);
    const ack = await alice.client.send('renew-room', 'still here').done;
    assert.equal(ack.seq, 1);
  });

  it('after a 4010 close (renewal failed in time) renews, reconnects and resumes', { timeout: 20_000 }, async () => {
    const s = await restartable();
    let renewals = 0;
    const firstToken = await s.server.tokenFor('expiring', 7);
    const firstExpiry = jwtExpiry(firstToken)!;
    const alice = client({
      url: s.url,
      credentials: { accessToken: firstToken },
      renew: async () => {
        renewals++;
        // Renewal fails (as a network error would) until the first token has run out.
        if (Date.now() < firstExpiry + 200) throw new TypeError('fetch failed');
        return { accessToken: await s.server.tokenFor('expiring', 600) };
      },
      backoff: { baseMs: 100, maxMs: 200 },
    });
    const first = await alice.client.whenOpen();
    await alice.client.join('expiry-room');
    const closes: number[] = [];
    first.on('close', (info) => closes.push(info.code));
    const bob = await s.server.connect(await s.server.tokenFor('bob'));
    await bob.join('expiry-room');
    await bob.send('expiry-room', 'one');

    await eventually(() => closes.includes(4010), 'the 4010 close', 10_000);
    await bob.send('expiry-room', 'two');
    await eventually(() => alice.client.state.status === 'open' && alice.client.state.sessionId !== first.welcome.sessionId, 'a new connection', 8000);
    await bob.send('expiry-room', 'three');
    await eventually(() => alice.messages.length === 3, 'three messages');
    assert.deepEqual(alice.messages.map((m) => m.text), ['one', 'two', 'three']);
    assert.ok(renewals >= 2);
  });

  it('drops a replayed duplicate: each message is reported once even when frames arrive twice', async () => {
    const s = await restartable();
    const alice = client({
      url: s.url,
      credentials: { accessToken: await s.server.tokenFor('alice') },
      // Every frame from the server is delivered twice, as a replay overlapping live delivery would.
      WebSocket: duplicatingSocket(),
    });
    await alice.client.whenOpen();
    await alice.client.join('dup-room');
    const bob = await s.server.connect(await s.server.tokenFor('bob'));
    await bob.join('dup-room');
    for (let i = 1; i <= 4; i++) await bob.send('dup-room', `m${i}`);
    await eventually(() => alice.messages.length >= 4, 'four messages');
    await sleep(200);
    assert.deepEqual(seqsOf(alice.messages, 'dup-room'), [1, 2, 3, 4]);
  });

  it('rotates through several server URLs until one answers', async () => {
    const s = await restartable();
    const deadPort = await freePort();
    const alice = client({
      url: [`http://127.0.0.1:${deadPort}`, s.url],
      credentials: { accessToken: await s.server.tokenFor('alice') },
      backoff: { baseMs: 50, maxMs: 100 },
    });
    await alice.client.whenOpen(5000);
    assert.equal(alice.client.state.status === 'open' && alice.client.state.url, s.url);
    assert.ok(alice.states.some((state) => state.status === 'reconnecting'), 'the dead URL failed first');
  });

  it('goes offline for good when the login is refused, and says so', async () => {
    const s = await restartable();
    const failures: string[] = [];
    const c = new HubbubClient({ url: s.url, WebSocket: WS, credentials: { accessToken: 'not-a-token', refreshToken: 'not-a-refresh-token' } });
    clients.push(c);
    c.on('authFailed', ({ error }) => failures.push(error.message));
    c.start();
    await assert.rejects(c.whenOpen(5000));
    assert.equal(c.state.status, 'offline');
    assert.equal(c.state.status === 'offline' && c.state.fatal, true);
    assert.equal(failures.length, 1);
  });
});

/** The `ws` class wrapped so that a test decides which server frames the client sees. */
function filteringSocket(keep: (frame: string) => boolean): WebSocketFactory {
  return wrapSocket((frame) => (keep(frame) ? [frame] : []));
}

function duplicatingSocket(): WebSocketFactory {
  return wrapSocket((frame) => [frame, frame]);
}

function wrapSocket(transform: (frame: string) => string[]): WebSocketFactory {
  return class {
    readonly #ws: WebSocket;
    constructor(url: string) {
      this.#ws = new WebSocket(url);
    }
    get readyState(): number {
      return this.#ws.readyState;
    }
    send(data: string): void {
      this.#ws.send(data);
    }
    close(code?: number, reason?: string): void {
      this.#ws.close(code, reason);
    }
    addEventListener(type: string, listener: (event: never) => void): void {
      if (type !== 'message') {
        this.#ws.addEventListener(type as 'open', listener as () => void);
        return;
      }
      this.#ws.on('message', (data: Buffer) => {
        for (const frame of transform(data.toString())) (listener as (event: { data: unknown }) => void)({ data: frame });
      });
    }
  } as unknown as WebSocketFactory satisfies new (url: string) => WebSocketLike;
}
