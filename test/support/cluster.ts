/**
 * Real processes for the scale-out tests: a Redis server the test owns (so it can stop and
 * restart it) and hubbub nodes as child processes (so one can be killed with SIGKILL).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { TEST_JWT_SECRET } from './server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** A redis-server on its own port, with nothing saved to disk. */
export class TestRedis {
  readonly port: number;
  #process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and resolves once it answers PING. */
  async start(): Promise<void> {
    this.#process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => {}); // refused while the server starts: the loop retries
      try {
        await client.connect();
        await client.ping();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        client.disconnect();
      }
    }
  }

  /** Kills the server (no goodbye to its clients). */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** A client for inspecting the server (PUBSUB …). */
  client(): Redis {
    const client = new Redis(this.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    return client;
  }
}

/** One hubbub server process. */
export class TestNode {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Every log line the node wrote (JSON). */
  readonly logs: string[];
  /** What the node wrote to stderr (crashes). */
  stderr = '';
  readonly #exited: Promise<number | null>;

  private constructor(name: string, url: string, child: ChildProcess, logs: string[], exited: Promise<number | null>) {
    this.name = name;
    this.url = url;
    this.process = child;
    this.logs = logs;
    this.#exited = exited;
  }

  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/ws`;
  }

  /** Starts `hubbub serve` with the given environment and resolves once it listens. */
  static start(name: string, env: Record<string, string>): Promise<TestNode> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        JWT_SECRET: TEST_JWT_SECRET,
        MESSAGE_RATE_LIMIT: '0',
        AUTH_RATE_LIMIT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      let buffer = '';
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`${name} did not start: ${stderr}`)), 30_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          logs.push(line);
          if (line.includes('"hubbub is listening"')) {
            clearTimeout(timer);
            const node = new TestNode(name, (JSON.parse(line) as { url: string }).url, child, logs, exited);
            child.stderr!.on('data', (more: Buffer) => {
              node.stderr += more.toString();
            });
            resolve(node);
          }
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before listening: ${stderr}`));
      });
    });
  }

  /** SIGKILL: the node dies without closing anything. */
  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM: a graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.process.exitCode !== null) return this.process.exitCode;
    this.process.kill('SIGTERM');
    return this.#exited;
  }
}
