/**
 * hubbub as a cluster: two nodes on one PostgreSQL and one Redis (a redis-server the tool starts
 * on a spare port), clients spread over the nodes in turn. Compared with one node in the same
 * run, it shows what the cluster path (a Redis hop per event, PostgreSQL instead of SQLite)
 * costs and adds. Both nodes get the server CPU: on a 2-core machine they share it.
 */
import { TestRedis } from '../../test/support/cluster.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import type { BenchClient, ConnectOptions, RunningTarget, StartOptions, Target } from '../types.js';
import { hubbubTarget } from './hubbub.js';

const NODES = 2;

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
    const redis = await TestRedis.start();
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
