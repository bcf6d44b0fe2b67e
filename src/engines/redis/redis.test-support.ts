/**
 * Test helpers for the Redis engines: the shared Redis (skipped loudly when unreachable, failing
 * under CI), throwaway `redis-server` processes that tests may kill and restart, and clients.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { it } from 'node:test';
import { Redis } from 'ioredis';
import { connectRedis, type RedisRole } from './connect.js';

/** The shared Redis the suites use (`REDIS_URL` overrides). */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test run uses. */
export const uniquePrefix = (what: string): string => `test-${what}-${randomBytes(5).toString('hex')}:`;

/**
 * Undefined when Redis answers at `url`; otherwise the reason to skip — or, under `CI=true`, an
 * error: in CI the Redis tests must run.
 */
export async function redisSkipReason(url = SHARED_REDIS_URL): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    const reason = `⚠ Redis unreachable at ${url} (${error instanceof Error ? error.message : String(error)}): Redis engine tests skipped`;
    if (process.env.CI === 'true') throw new Error(reason, { cause: error });
    console.warn(reason);
    return reason;
  } finally {
    client.disconnect();
  }
}

/** Makes a skipped file show in the test counts (a skipped `describe` does not). */
export function countSkipped(reason: string | undefined): void {
  if (reason !== undefined) it('Redis tests', { skip: reason }, () => {});
}

/** Undefined when `redis-server` can be started; otherwise why not (an error under CI). */
export function redisServerSkipReason(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const reason = '⚠ redis-server not on PATH: Redis restart tests skipped';
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(reason);
  return reason;
}

/** A client for tests, connected (or rejecting) before it is returned. */
export async function testClient(url: string, role: RedisRole = 'commands', name = 'hubbub-test'): Promise<Redis> {
  const client = connectRedis(url, { name, role, lazy: true });
  await client.connect();
  return client;
}

/** Closes a client whatever its state. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/** Deletes every key starting with `prefix` (SCAN, so safe on a shared Redis). */
export async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A `redis-server` of the test's own, on a spare port, without persistence. */
export class TestRedisServer {
  readonly port: number;
  #process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again, on the same port) and waits until it answers. */
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.#process = child;
    const deadline = Date.now() + 5000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server on port ${this.port} did not start`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
