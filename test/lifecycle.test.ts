// Connection lifecycle over a real in-process server and real sockets: the hello rules, access
// token expiry and renewal, external tokens, the per-user connection limit, the heartbeat, the
// origin allow-list and the slow-consumer cut-off.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get as httpGet } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import type { HubbubError } from '../src/client/errors.js';
import { HubbubHttp } from '../src/client/http-client.js';
import { HubbubSocket } from '../src/client/socket-client.js';
import type { AckEvent, MessageEvent } from '../src/protocol/events.js';
import { WS, eventually, startTestServer, type TestServer } from './support/server.js';

/** The secret `startTestServer` configures (JWT_SECRET). */
const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** One decoded server event, as a raw client sees it. */
interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly code?: string;
  readonly [field: string]: unknown;
}

interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * A bare `ws` client: records every event the server sends (unbatching arrays) and how the
 * connection ended. For what the SDK does not allow (no hello, a paused socket, no pongs …).
 */
class RawClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: RawData) => {
      const parsed = JSON.parse(rawText(data)) as Frame | Frame[];
      for (const frame of Array.isArray(parsed) ? parsed : [parsed]) this.frames.push(frame);
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      });
    });
  }

  /** Opens a connection; resolves once the upgrade succeeded. */
  static async open(url: string, options: ClientOptions = {}): Promise<RawClient> {
    const client = new RawClient(new WebSocket(url, options));
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve());
      client.ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      client.ws.once('error', reject);
    });
    return client;
  }

  send(command: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(command));
  }

  /** The first recorded event that matches, waiting for it if need be. */
  async frame(predicate: (frame: Frame) => boolean, what: string, timeoutMs = 5000): Promise<Frame> {
    await eventually(() => this.frames.some(predicate), what, timeoutMs);
    return this.frames.find(predicate)!;
  }

  /** Sends `hello` and waits for `welcome`. */
  async hello(token?: string): Promise<Frame> {
    this.send({ type: 'hello', id: 'hello', ...(token === undefined ? {} : { token }) });
    return this.frame((f) => f.type === 'welcome' || (f.type === 'error' && f.id === 'hello'), 'the answer to hello');
  }

  /** The close, or a rejection after `timeoutMs`. */
  waitClosed(timeoutMs = 5000): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, 'the connection to close');
  }

  /** The underlying TCP socket (ws keeps it in a private field). */
  get tcp(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An HS256 access token as an operator's backend would sign it: claims `sub`, `iat`, `exp`. */
async function signToken(username: string, options: { expiresInSeconds?: number; secret?: string; issuedAgoSeconds?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(username)
    .setIssuedAt(now - (options.issuedAgoSeconds ?? 0))
    .setExpirationTime(now + (options.expiresInSeconds ?? 600))
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of a counter without labels in Prometheus text, 0 when absent. */
async function metricValue(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

/** How an upgrade attempt ends: `open` or the HTTP status of the refusal. */
function upgradeOutcome(url: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('connection lifecycle', { concurrency: true }, () => {
  describe('hello timeout', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ HELLO_TIMEOUT_MS: '500' });
    });
    after(() => t.close());

    it('closes a connection that sends nothing with 4001 after the hello timeout', async () => {
      const started = Date.now();
      const client = await RawClient.open(t.wsUrl);
      const closed = await client.waitClosed(10_000);
      const elapsed = Date.now() - started;
      assert.equal(closed.code, 4001);
      assert.ok(elapsed >= 450, `closed after ${elapsed} ms, before the timeout`);
    });
  });

  describe('commands, tokens, limits and transport', { concurrency: false }, () => {
    describe('hello rules', { concurrency: true }, () => {
      let t: TestServer;
      before(async () => {
        t = await startTestServer();
      });
      after(() => t.close());

      it('answers a first frame that is not hello with error, then closes with 4001', async () => {
        const client = await RawClient.open(t.wsUrl);
        client.send({ type: 'ping', id: 'p1' });
        const closed = await client.waitClosed();
        assert.equal(closed.code, 4001);
        const error = client.frames.find((f) => f.type === 'error');
        assert.ok(error, 'an error event before the close');
        assert.equal(error.code, 'unauthorized');
        assert.equal(error.id, 'p1');
      });

      it('refuses a token signed with another secret with 4001', async () => {
        await t.user('forgery_victim');
        const forged = await signToken('forgery_victim', { secret: 'some-other-secret-that-is-32-characters-or-more' });
        const client = await RawClient.open(t.wsUrl);
        const answer = await client.hello(forged);
        assert.equal(answer.type, 'error');
        assert.equal(answer.code, 'unauthorized');
        assert.equal((await client.waitClosed()).code, 4001);
        assert.ok(!String(answer.message).includes(forged), 'the error does not quote the token');
      });

      it('refuses an expired token with 4001', async () => {
        await t.user('expired_user');
        // Well past the verifier's clock tolerance (5 s).
        const expired = await signToken('expired_user', { issuedAgoSeconds: 1200, expiresInSeconds: -600 });
        const client = await RawClient.open(t.wsUrl);
        const answer = await client.hello(expired);
        assert.equal(answer.type, 'error');
        assert.equal(answer.code, 'unauthorized');
        assert.equal((await client.waitClosed()).code, 4001);
      });

      it('accepts the token in the query string with a hello that carries none', async () => {
        const { token } = await t.user('query_token_user');
        const client = await RawClient.open(`${t.wsUrl}?token=${encodeURIComponent(token)}`);
        const welcome = await client.hello();
        assert.equal(welcome.type, 'welcome');
        assert.equal((welcome.user as { username: string }).username, 'query_token_user');
        client.send({ type: 'ping', id: 'after-welcome' });
        await client.frame((f) => f.type === 'pong' && f.id === 'after-welcome', 'pong');
        client.ws.close();
      });

      it('refuses a hello without any token with 4001', async () => {
        const client = await RawClient.open(t.wsUrl);
        const answer = await client.hello();
        assert.equal(answer.type, 'error');
        assert.equal(answer.code, 'unauthorized');
        assert.equal((await client.waitClosed()).code, 4001);
      });
    });

    describe('access token expiry', { concurrency: true }, () => {
      let t: TestServer;
      before(async () => {
        t = await startTestServer();
      });
      after(() => t.close());

      it('closes a connection with 4010 once its token expires without renewal', async () => {
        await t.user('expiring');
        const expiresAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
        const shortLived = await signToken('expiring', { expiresInSeconds: 2 });
        const socket = await t.connect(shortLived);
        const closed = await withTimeout(socket.closed, 8000, 'the 4010 close');
        assert.equal(closed.code, 4010);
        assert.ok(Date.now() >= expiresAt - 100, 'not closed before the token expired');
      });

      it('keeps a connection renewed with auth open past the first token expiry', async () => {
        const { token: fresh } = await t.user('renewing');
        const firstExpiry = (Math.floor(Date.now() / 1000) + 3) * 1000;
        const shortLived = await signToken('renewing', { expiresInSeconds: 3 });
        const socket = await t.connect(shortLived);
        const closes: number[] = [];
        socket.on('close', (e) => closes.push(e.code));
        const ack = await socket.auth(fresh);
        assert.equal(ack.type, 'ack');
        assert.equal(typeof ack.expiresAt, 'string');
        assert.ok(Date.parse(ack.expiresAt!) > Date.now() + 60_000, `expiresAt ${ack.expiresAt} is the fresh token's`);
        await sleep(Math.max(0, firstExpiry - Date.now()) + 1500);
        await socket.ping();
        assert.deepEqual(closes, []);
        socket.close();
      });

      it('refuses auth with another user\'s token as forbidden and keeps the connection', async () => {
        const { token } = await t.user('owner');
        const { token: otherToken } = await t.user('intruder');
        const socket = await t.connect(token);
        await assert.rejects(socket.auth(otherToken), (e: HubbubError) => e.code === 'forbidden');
        await socket.ping();
        await socket.join('still-here');
        socket.close();
      });
    });

    describe('external tokens', () => {
      let t: TestServer;
      let closedServer: TestServer;
      before(async () => {
        t = await startTestServer();
        closedServer = await startTestServer({ EXTERNAL_TOKENS: 'false' });
      });
      after(async () => {
        await t.close();
        await closedServer.close();
      });

      it('welcomes a token for a user never registered, and /api/me finds the created user', async () => {
        const token = await signToken('from_backend');
        const socket = await t.connect(token);
        assert.equal(socket.welcome.user.username, 'from_backend');
        const me = await new HubbubHttp(t.url, token).me();
        assert.deepEqual(me, socket.welcome.user);
        socket.close();
      });

      it('creates the user on first use through HTTP as well', async () => {
        const token = await signToken('http_first');
        const me = await new HubbubHttp(t.url, token).me();
        assert.equal(me.username, 'http_first');
        const socket = await t.connect(token);
        assert.equal(socket.welcome.user.id, me.id);
        socket.close();
      });

      it('refuses such a token with 4001 when EXTERNAL_TOKENS=false', async () => {
        const token = await signToken('from_backend');
        const client = await RawClient.open(closedServer.wsUrl);
        const answer = await client.hello(token);
        assert.equal(answer.type, 'error');
        assert.equal(answer.code, 'unauthorized');
        assert.equal((await client.waitClosed()).code, 4001);
        await assert.rejects(new HubbubHttp(closedServer.url, token).me(), (e: HubbubError) => e.status === 401);
      });
    });

    describe('per-user connection limit', () => {
      let t: TestServer;
      before(async () => {
        t = await startTestServer({ MAX_CONNECTIONS_PER_USER: '2' });
      });
      after(() => t.close());

      it('refuses the third connection of a user with rate_limited and 4008; the first two still work', async () => {
        const { token } = await t.user('busy');
        const first = await t.connect(token);
        const second = await t.connect(token);
        const third = await RawClient.open(t.wsUrl);
        const answer = await third.hello(token);
        assert.equal(answer.type, 'error');
        assert.equal(answer.code, 'rate_limited');
        assert.equal((await third.waitClosed()).code, 4008);
        await first.ping();
        await second.ping();
        // Another user is not affected.
        const other = await t.user('idle');
        const otherSocket = await t.connect(other.token);
        await otherSocket.ping();
      });
    });

    describe('heartbeat', () => {
      const intervalMs = 200;
      let t: TestServer;
      before(async () => {
        t = await startTestServer({ HEARTBEAT_INTERVAL_MS: String(intervalMs) });
      });
      after(() => t.close());

      it('drops a peer that stops answering pings and keeps one that answers', async () => {
        const { token } = await t.user('heartbeat');
        const healthy = await t.connect(token);
        const healthyCloses: number[] = [];
        healthy.on('close', (e) => healthyCloses.push(e.code));
        const silent = await RawClient.open(t.wsUrl, { autoPong: false });
        let pings = 0;
        silent.ws.on('ping', () => pings++);
        assert.equal((await silent.hello(token)).type, 'welcome');
        const started = Date.now();
        const closed = await silent.waitClosed(intervalMs * 15);
        // Terminated, not closed with a close frame: the client sees an abnormal closure.
        assert.equal(closed.code, 1006);
        assert.ok(pings >= 1, 'the server pinged');
        assert.ok(Date.now() - started < intervalMs * 15);
        // The answering peer has been through the same beats and more.
        await sleep(intervalMs * 4);
        await healthy.ping();
        assert.deepEqual(healthyCloses, []);
      });
    });

    describe('origin allow-list', () => {
      let t: TestServer;
      before(async () => {
        t = await startTestServer({ ALLOWED_ORIGINS: 'http://good.example' });
      });
      after(() => t.close());

      it('refuses an upgrade from an origin not on the list with 403', async () => {
        assert.equal(await upgradeOutcome(t.wsUrl, { Origin: 'http://evil.example' }), 403);
      });

      it('accepts an upgrade from an allowed origin, and one without an Origin header', async () => {
        assert.equal(await upgradeOutcome(t.wsUrl, { Origin: 'http://good.example' }), 'open');
        assert.equal(await upgradeOutcome(t.wsUrl, {}), 'open');
        // And such a connection works end to end.
        const { token } = await t.user('origin_ok');
        const client = await RawClient.open(t.wsUrl, { headers: { Origin: 'http://good.example' } });
        assert.equal((await client.hello(token)).type, 'welcome');
        client.ws.close();
      });
    });

    describe('slow consumer', () => {
      // At least this many messages of 1000 characters; more if the kernel's socket buffers (several
      // MB on loopback) still absorb everything the server wrote to the paused client.
      const minimum = 3000;
      const cap = 30_000;
      // Sends in flight at once. Not 100: one group-commit batch is queued to every member connection
      // within one event-loop turn, and 100 messages (~117 KB of events, plus acks for the sender)
      // exceed SEND_BUFFER_BYTES=65536 before the server writes anything, which cuts even clients
      // that read promptly (see the report). 40 messages (~47 KB) stay under it.
      const window = 40;
      let t: TestServer;
      before(async () => {
        t = await startTestServer({ SEND_BUFFER_BYTES: '65536', MESSAGE_RATE_LIMIT: '0' });
      });
      after(() => t.close());

      it('cuts a client that stops reading with 4009 while the others get every message in order', async (context) => {
        const a = await t.user('slow_reader');
        const b = await t.user('firehose_sender');
        const c = await t.user('steady_reader');

        const slow = await RawClient.open(t.wsUrl);
        assert.equal((await slow.hello(a.token)).type, 'welcome');
        slow.send({ type: 'join', id: 'join', room: 'firehose' });
        await slow.frame((f) => f.type === 'ack' && f.id === 'join', 'the slow client joining');

        const sender = await HubbubSocket.connect(t.wsUrl, { token: b.token, WebSocket: WS });
        const reader = await t.connect(c.token);
        await sender.join('firehose');
        await reader.join('firehose');
        const received: MessageEvent[] = [];
        reader.on('message', (m) => received.push(m));
        const closes: number[] = [];
        sender.on('close', (e) => closes.push(e.code));
        reader.on('close', (e) => closes.push(e.code));

        slow.tcp.pause(); // stops reading: the server's writes pile up

        const text = (i: number): string => `${String(i).padStart(6, '0')}:`.padEnd(1000, 'x');
        const acks: AckEvent[] = [];
        let sent = 0;
        let cutAt: number | undefined;
        // Keep going for a few windows after the cut: the others must not notice it.
        while (sent < cap && (sent < minimum || cutAt === undefined || sent < cutAt + 10 * window)) {
          const batch: Promise<AckEvent>[] = [];
          for (let i = sent; i < sent + window; i++) batch.push(sender.send('firehose', text(i), `fh-${i}`));
          acks.push(...(await Promise.all(batch)));
          sent += window;
          if (cutAt === undefined && (await metricValue(t.url, 'hubbub_slow_disconnects_total')) >= 1) {
            cutAt = sent;
            slow.tcp.resume(); // read the backlog now, within the server's close grace period
          }
        }
        assert.ok(cutAt !== undefined, `the paused client was not cut after ${sent} messages`);
        assert.equal(await metricValue(t.url, 'hubbub_slow_disconnects_total'), 1, 'exactly one slow disconnect');

        const closed = await slow.waitClosed(15_000);
        // 4009 when the close frame gets through; a peer that does not finish the close handshake
        // in time is cut, and then the client only sees the TCP close (1006), as the brief allows.
        assert.ok(closed.code === 4009 || closed.code === 1006, `closed with ${closed.code}`);
        const slowMessages = slow.frames.filter((f) => f.type === 'message').length;
        context.diagnostic(`cut after ${cutAt} messages sent; the slow client got ${slowMessages} and close code ${closed.code}`);
        assert.ok(slowMessages < sent, `the slow client got ${slowMessages} of ${sent}`);

        assert.equal(acks.length, sent);
        assert.deepEqual(
          acks.map((ack) => ack.seq),
          Array.from({ length: sent }, (_v, i) => i + 1),
        );
        await eventually(() => received.length >= sent, `all ${sent} messages at the steady reader`, 20_000);
        assert.equal(received.length, sent);
        received.forEach((m, i) => {
          assert.equal(m.seq, i + 1);
          assert.equal(m.text, text(i));
          assert.equal(m.from, 'firehose_sender');
        });
        assert.deepEqual(closes, [], 'the sender and the steady reader stay connected');
        await sender.ping();
        await reader.ping();
        sender.close();
        reader.close();
      });
    });
  });
});

/** A raw TCP connection to the server, once connected; `localAddress` picks the client's address. */
function openTcp(url: string, localAddress?: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ...(localAddress === undefined ? {} : { localAddress }) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves true when the server closes `socket` within `timeoutMs`, false otherwise. */
function closedByServer(socket: Socket, timeoutMs: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.on('error', () => {});
    // Read whatever the server says last (a 408), or the end of the stream is never seen.
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** GET /healthz on a fresh connection (no pooled keep-alive socket) from `localAddress`. */
function healthz(url: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${url}/healthz`, { agent: false, localAddress, headers: { connection: 'close' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
  });
}

describe('TCP connections', () => {
  describe('per-address cap', () => {
    let t: TestServer;
    const sockets: Socket[] = [];
    before(async () => {
      t = await startTestServer({ MAX_CONNECTIONS_PER_IP: '3', HEADERS_TIMEOUT_MS: '60000' });
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await t.close();
    });

    it('cuts connections from one address past MAX_CONNECTIONS_PER_IP, WebSockets included; other addresses still get in', async () => {
      // Three from 127.0.0.1: a WebSocket session and two sockets that say nothing.
      const session = await t.connect(await t.tokenFor('capped_user'));
      sockets.push(await openTcp(t.url), await openTcp(t.url));

      // A fourth is cut by the server at once, whatever it is.
      const fourth = await openTcp(t.url);
      sockets.push(fourth);
      assert.equal(await closedByServer(fourth, 5000), true, 'the fourth connection was not cut');
      await assert.rejects(RawClient.open(t.wsUrl), 'a WebSocket from the same address is refused too');
      await assert.rejects(healthz(t.url, '127.0.0.1'));

      // Another address has its own count: the server still answers it.
      assert.equal(await healthz(t.url, '127.0.0.2'), 200);
      // Those already in are untouched.
      await session.ping();
      assert.equal(sockets[0]!.destroyed, false);

      // One leaves, one more may come in (as soon as the server has seen it leave).
      sockets[0]!.destroy();
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = await healthz(t.url, '127.0.0.1').catch(() => 0);
        if (status !== 200) await sleep(50);
      }
      assert.equal(status, 200);
      session.close();
    });
  });

  describe('silent connections', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ HEADERS_TIMEOUT_MS: '1000' });
    });
    after(() => t.close());

    it('closes a connection that sends no request head within HEADERS_TIMEOUT_MS, and one that stops mid-headers', async () => {
      const silent = await openTcp(t.url);
      const halfSent = await openTcp(t.url);
      halfSent.write('GET /healthz HTTP/1.1\r\nHost: hubbub\r\n');
      // Node's default was 60 s, checked every 30 s; with 1 s, checked every second, a few
      // seconds are plenty.
      const [silentClosed, halfClosed] = await Promise.all([closedByServer(silent, 8000), closedByServer(halfSent, 8000)]);
      silent.destroy();
      halfSent.destroy();
      assert.equal(silentClosed, true, 'the silent connection is still open');
      assert.equal(halfClosed, true, 'the half-sent request is still open');
      // A real request is unaffected.
      assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
    });
  });
});

describe('a start that fails', () => {
  it('rejects when the port is taken and leaves nothing open (store, writer thread, servers)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hubbub-busy-port-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'support', 'start-on-busy-port.ts'), dataDir], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // The child exits by itself when nothing is left open; before the fix the SQLite writer
      // thread kept it alive. Killed after a generous wait, so a leak fails instead of hanging.
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
      clearTimeout(killer);
      assert.match(output, /"rejected":"EADDRINUSE"/);
      assert.equal(code, 0, `the process did not exit by itself: ${output}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
