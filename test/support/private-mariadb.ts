/**
 * A MariaDB server of the test's own, in a temporary data directory on a free port, so that a
 * test may kill it, restart it or run it with other settings without touching the machine's
 * shared server. Needs Debian's mariadb-server binaries (`mariadb-install-db`, `mariadbd`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/** Whether this machine can run a private MariaDB server. */
export function privateMariaDbAvailable(): boolean {
  return ['mariadb-install-db', 'mariadbd'].every((command) => spawnSync('sh', ['-c', `command -v ${command} || test -x /usr/sbin/${command}`]).status === 0);
}

/** A free TCP port on 127.0.0.1 (free when asked; the server takes it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class PrivateMariaDb {
  #process: ChildProcess | undefined;
  #log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    /** Extra mariadbd options, for example `--sql-mode=`. */
    readonly options: readonly string[],
  ) {}

  /** Installs a fresh data directory and starts the server on it. */
  static async start(options: readonly string[] = []): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'hubbub-mariadb-'));
    const install = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
      { encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
    const server = new PrivateMariaDb(dir, await freePort(), options);
    await server.restart();
    return server;
  }

  /** `mysql://root@127.0.0.1:<port>/<database>`. */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates database `name`. */
  async createDatabase(name: string): Promise<void> {
    const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
    try {
      await connection.query(`create database \`${name}\``);
    } finally {
      await connection.end();
    }
  }

  /** Starts the server (again) on the same data directory and port; resolves once it answers. */
  async restart(): Promise<void> {
    if (this.#process !== undefined) throw new Error('the private MariaDB server is running');
    const child = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        '--user=root',
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'sock')}`,
        `--pid-file=${join(this.dir, 'pid')}`,
        '--innodb-buffer-pool-size=32M',
        ...this.options,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#process = child;
    child.stderr!.on('data', (chunk: Buffer) => (this.#log = (this.#log + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}: ${this.#log}`);
      try {
        const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1000 });
        await connection.end();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`mariadbd did not answer in 20 s: ${this.#log}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Kills the server with `signal` (SIGKILL: a crash) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    this.#process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Stops the server and removes its data directory. */
  async destroy(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
