/**
 * hubbub as a cluster: two nodes on one PostgreSQL and one Redis (a redis-server the tool starts
 * on a spare port), clients spread over the nodes in turn. Compared with one node in the same
 * run, it shows what the cluster path (a Redis hop per event, PostgreSQL instead of SQLite)
 * costs and adds. Both nodes get the server CPU: on a 2-core machine they share it.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createTestDatabase } from '../../test/support/postgres.js';
import type { BenchClient, ConnectOptions, RunningTarget, StartOptions, Target } from '../types.js';
import { hubbubTarget } from './hubbub.js';

const NODES = 2;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let attempt = 0; ; attempt++) {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The nodes of a running cluster, behind the one `RunningTarget` a scenario expects. */
class RunningCluster implements RunningTarget {
  readonly name = 'hubbub-cluster' as const;
  readonly nodes: readonly RunningTarget[];
  readonly #cleanup: () => Promise<void>;
  #next = 0;

  constructor(nodes: readonly RunningTarget[], cleanup: () => Promise<void>) {
    this.nodes = nodes;
    this.#cleanup = cleanup;
  }

  get url(): string {
    return this.nodes[0]!.url;
  }

  get pid(): number {
    return this.nodes[0]!.pid;
  }

  /** The node the next client connects to: round robin. */
  nextNode(): RunningTarget {
    return this.nodes[this.#next++ % this.nodes.length]!;
  }

  async rssBytes(): Promise<number> {
    return (await Promise.all(this.nodes.map((n) => n.rssBytes()))).reduce((a, b) => a + b, 0);
  }

  async cpuMs(): Promise<number> {
    return (await Promise.all(this.nodes.map((n) => n.cpuMs()))).reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    await this.#cleanup();
  }
}

export const hubbubClusterTarget: Target = {
  name: 'hubbub-cluster',

  async start(options: StartOptions): Promise<RunningTarget> {
    const database = await createTestDatabase();
    if (database === undefined) throw new Error('hubbub-cluster needs PostgreSQL (set TEST_DATABASE_URL)');
    const redis = await startRedis();
    const env = { ...options.env, DATABASE_URL: database.url, REDIS_URL: redis.url };
    const first = await hubbubTarget.start({ ...options, env }); // runs the migrations alone
    const rest = await Promise.all(Array.from({ length: NODES - 1 }, () => hubbubTarget.start({ ...options, env })));
    return new RunningCluster([first, ...rest], async () => {
      await redis.stop();
      await database.drop();
    });
  },

  connect(target: RunningTarget, options: ConnectOptions): Promise<BenchClient> {
    if (!(target instanceof RunningCluster)) throw new Error('hubbub-cluster: not a cluster');
    return hubbubTarget.connect(target.nextNode(), options);
  },
};
