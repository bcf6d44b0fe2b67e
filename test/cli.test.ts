// The `hubbub` command line, driven as a real child process (`node --import tsx src/cli/main.ts`):
// usage and exit codes, configuration errors, `migrate`, and `serve` from start to a graceful
// SIGTERM, including the generated JWT secret surviving a restart.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { HubbubError } from '../src/client/errors.js';
import { HubbubHttp } from '../src/client/http-client.js';
import { HubbubSocket } from '../src/client/socket-client.js';
import { WS } from './support/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join('src', 'cli', 'main.ts');
const SECRET = 'cli-test-secret-that-is-at-least-32-characters';

/** Temporary folders and child processes to clean up whatever happens. */
const dirs: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hubbub-cli-'));
  dirs.push(dir);
  return dir;
}

/**
 * The child's whole environment: only what it needs, so the developer's or CI's variables
 * (PORT, JWT_SECRET …) cannot leak in. `undefined` removes a variable.
 */
function cliEnv(dir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? dir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    DATABASE_URL: join(dir, 'hubbub.db'),
    DATA_DIR: dir,
    JWT_SECRET: SECRET,
  };
  if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function exited(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

interface CliResult extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`). */
async function runCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // 'close' rather than 'exit': every byte of output has been read by then.
  const result = await new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  return { ...result, stdout, stderr };
}

/** A raw TCP connection to the server, once connected. */
function openSocket(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** One pino JSON line of the server's log. */
interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A running `hubbub serve`. */
interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every log line so far, parsed. */
  readonly log: LogRecord[];
  /** Raw stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM; resolves with how the process ended and how long it took (ms). */
  stop(): Promise<Exit & { readonly ms: number }>;
}

/** Starts `hubbub serve --port 0` and waits for its "hubbub is listening" line. */
async function serve(env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawnCli(['serve', '--port', '0'], env);
  const exit = exited(child);
  // 'close' follows 'exit' once stdout and stderr are drained: the log is complete then.
  const drained = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const log: LogRecord[] = [];
  let raw = '';
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === '') continue;
        let record: LogRecord;
        try {
          record = JSON.parse(line) as LogRecord;
        } catch {
          continue; // not a log line (a runtime warning, say): kept in the raw output only
        }
        log.push(record);
        if (record.msg === 'hubbub is listening') resolve(String(record.url));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${raw}`)));
    setTimeout(() => reject(new Error(`serve did not listen within 30 s:\n${raw}`)), 30_000).unref();
  });
  const url = await listening;
  return {
    child,
    url,
    log,
    output: () => raw,
    async stop() {
      const started = Date.now();
      child.kill('SIGTERM');
      const result = await exit;
      const ms = Date.now() - started;
      await drained;
      return { ...result, ms };
    },
  };
}

describe('hubbub usage and configuration errors', { concurrency: true }, () => {
  it('--help exits 0 and lists serve and migrate', async () => {
    const result = await runCli(['--help'], cliEnv(tempDir()));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\s+serve\b/m);
    assert.match(result.stdout, /^\s+migrate\b/m);
  });

  it('--version exits 0 and prints a version', async () => {
    const result = await runCli(['--version'], cliEnv(tempDir()));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  it('an unknown command exits 2 with a message on stderr', async () => {
    const result = await runCli(['frobnicate'], cliEnv(tempDir()));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command/i);
    assert.match(result.stderr, /frobnicate/);
    assert.match(result.stderr, /^\(run hubbub --help for usage\)$/m);
  });

  it('a misused subcommand points at its own help', async () => {
    const result = await runCli(['serve', '--frobnicate'], cliEnv(tempDir()));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '--frobnicate'/);
    assert.match(result.stderr, /^\(run hubbub serve --help for usage\)$/m);
  });

  it('serve --port abc exits 2 naming PORT and what is wrong', async () => {
    const result = await runCli(['serve', '--port', 'abc'], cliEnv(tempDir()));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\bPORT\b/);
    assert.match(result.stderr, /integer between 0 and 65535/);
    assert.match(result.stderr, /"abc"/);
  });

  it('PORT=abc in the environment exits 2 the same way', async () => {
    const result = await runCli(['serve'], cliEnv(tempDir(), { PORT: 'abc' }));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\bPORT\b.*integer between 0 and 65535/);
  });

  it('a JWT_SECRET shorter than 32 characters exits 2 naming it without echoing the value', async () => {
    const short = 'tooShort-Sekrit-42';
    const result = await runCli(['serve', '--port', '0'], cliEnv(tempDir(), { JWT_SECRET: short }));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\bJWT_SECRET\b/);
    assert.match(result.stderr, /at least 32 characters/);
    assert.ok(!result.stderr.includes(short) && !result.stdout.includes(short), 'the secret is not echoed');
  });
});

describe('hubbub migrate', () => {
  it('applies the migrations to a fresh SQLite file, and then reports it up to date', async () => {
    const dir = tempDir();
    const first = await runCli(['migrate'], cliEnv(dir));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied: .*0001/);
    assert.ok(statSync(join(dir, 'hubbub.db')).size > 0);

    const second = await runCli(['migrate'], cliEnv(dir));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
  });
});

describe('hubbub serve', () => {
  it('listens, serves HTTP and WebSockets, and on SIGTERM closes clients with 1001 and exits 0', async () => {
    const served = await serve(cliEnv(tempDir()));
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${served.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await fetch(`${served.url}/readyz`)).status, 200);

    const http = new HubbubHttp(served.url);
    const session = await http.register('sigterm_user', 'correct horse battery');
    const wsUrl = `${served.url.replace(/^http/, 'ws')}/ws`;
    const socket = await HubbubSocket.connect(wsUrl, { token: session.accessToken, WebSocket: WS });
    await socket.join('lobby');
    await socket.send('lobby', 'about to stop');

    const stopped = await served.stop();
    const closed = await socket.closed;
    assert.equal(closed.code, 1001);
    assert.equal(stopped.code, 0, served.output());
    assert.equal(stopped.signal, null);
    assert.ok(stopped.ms < 10_000, `exited after ${stopped.ms} ms`);

    const messages = served.log.map((record) => record.msg);
    assert.ok(
      served.log.some((record) => record.msg === 'signal received' && record.signal === 'SIGTERM'),
      `no signal line in ${JSON.stringify(messages)}`,
    );
    assert.ok(messages.includes('shutting down'), `no shutdown line in ${JSON.stringify(messages)}`);
    assert.ok(messages.includes('stopped'), `no stopped line in ${JSON.stringify(messages)}`);
    // The contract: the server never logs a token (nor, of course, its secret).
    assert.ok(!served.output().includes(session.accessToken), 'the access token is not logged');
    assert.ok(!served.output().includes(session.refreshToken), 'the refresh token is not logged');
    assert.ok(!served.output().includes(SECRET), 'the secret is not logged');
  });

  it('on SIGTERM, closes connections that never completed a request, closes the store and exits 0', async () => {
    const served = await serve(cliEnv(tempDir()));
    const { hostname, port } = new URL(served.url);
    // A browser's preconnect or a load balancer's probe: connected, never a byte.
    const silent = await openSocket(Number(port), hostname);
    // A client that stopped in the middle of its headers.
    const halfSent = await openSocket(Number(port), hostname);
    await new Promise<void>((resolve) => halfSent.write('GET /healthz HTTP/1.1\r\nHost: hubbub\r\n', () => resolve()));
    // One complete request after them: the server has accepted both sockets by the time it answers.
    assert.equal((await fetch(`${served.url}/healthz`)).status, 200);

    const stopped = await served.stop();
    silent.destroy();
    halfSent.destroy();
    const messages = served.log.map((record) => record.msg);
    // Before the fix the shutdown waited for both sockets and was cut by SHUTDOWN_TIMEOUT_MS: exit 1.
    assert.equal(stopped.code, 0, served.output());
    assert.ok(messages.includes('stopped'), `the store was closed: no stopped line in ${JSON.stringify(messages)}`);
    assert.ok(!messages.includes('shutdown timed out; exiting'), JSON.stringify(messages));
  });

  it('without JWT_SECRET in development, keeps a generated secret in DATA_DIR so tokens survive a restart', async () => {
    const dir = tempDir();
    const env = cliEnv(dir, { NODE_ENV: 'development', JWT_SECRET: undefined });
    const secretFile = join(dir, 'jwt-secret');

    const first = await serve(env);
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    const generated = readFileSync(secretFile, 'utf8').trim();
    assert.ok(generated.length >= 32);
    assert.ok(first.log.some((record) => record.level === 40 && /JWT_SECRET is not set/.test(record.msg)), 'a warning says so');
    const session = await new HubbubHttp(first.url).register('restart_user', 'correct horse battery');
    assert.equal((await first.stop()).code, 0, first.output());

    const second = await serve(env);
    try {
      assert.equal(readFileSync(secretFile, 'utf8').trim(), generated, 'the same secret is reused');
      const me = await new HubbubHttp(second.url, session.accessToken).me();
      assert.equal(me.username, 'restart_user');
      assert.equal(me.id, session.user.id);
      // A token signed with anything else is still refused.
      await assert.rejects(new HubbubHttp(second.url, `${session.accessToken}x`).me(), (e: HubbubError) => e.status === 401);
      assert.ok(!first.output().includes(generated) && !second.output().includes(generated), 'the secret is not logged');
    } finally {
      assert.equal((await second.stop()).code, 0, second.output());
    }
  });
});
