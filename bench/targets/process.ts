/**
 * Running a server under test as a child process: locate its script (TypeScript through tsx, or
 * compiled JavaScript), pin it to a CPU with `taskset`, wait until it says where it listens,
 * read its memory and CPU time from /proc, and stop it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { RunningTarget, TargetName } from '../types.js';

/** How long a server gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;
/** How much of a server's stderr is kept to explain a failure. */
const STDERR_TAIL_CHARS = 8192;

/**
 * The first of `candidates` (paths relative to the module at `from`, an `import.meta.url`)
 * that exists, as an absolute path. Throws naming every place it looked.
 */
export function findModule(from: string, candidates: readonly string[]): string {
  const paths = candidates.map((candidate) => fileURLToPath(new URL(candidate, from)));
  const found = paths.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`none of these exist: ${paths.join(', ')}`);
  return found;
}

/**
 * The script of a comparison server in `bench/servers/` (`socketio-server`, `ws-hub-server`):
 * the `.ts` source when it is there, else the compiled `.js`.
 */
export function serverScript(name: string): string {
  return findModule(import.meta.url, [`../servers/${name}.ts`, `../servers/${name}.js`]);
}

/** The Node arguments that run `script`: through tsx when it is TypeScript. */
export function nodeArgs(script: string, args: readonly string[] = []): string[] {
  // Resolved here, not by the child: the child's working directory may be anywhere.
  return script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), script, ...args] : [script, ...args];
}

/** Reads the URL out of a `{"listening":<port>}` line, for the comparison servers. */
export function listeningUrl(line: string): string | undefined {
  if (!line.startsWith('{"listening":')) return undefined;
  const { listening } = JSON.parse(line) as { listening?: unknown };
  return typeof listening === 'number' ? `http://127.0.0.1:${listening}` : undefined;
}

/** What `spawnServer` runs and how it recognises that the server is up. */
export interface SpawnServerOptions {
  readonly name: TargetName;
  /** The script to run with this Node (see `nodeArgs`). */
  readonly script: string;
  readonly args?: readonly string[];
  /** The child's whole environment. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** CPU to pin the server to (`taskset -c`); unpinned when omitted or not possible. */
  readonly cpu?: number | undefined;
  /** Looks at each stdout line until it returns the server's base URL. */
  readonly ready: (line: string) => string | undefined;
  readonly startTimeoutMs?: number;
  /**
   * Runs once the process is gone (removing temporary files). Synchronous, so that it runs
   * even when this process exits without stopping the server.
   */
  readonly cleanup?: () => void;
}

/** A started server process; a `RunningTarget` that also says where it is pinned. */
export class ServerProcess implements RunningTarget {
  readonly name: TargetName;
  readonly url: string;
  readonly pid: number;
  /** The CPU the server is pinned to; undefined when it runs unpinned. */
  readonly pinnedCpu: number | undefined;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #cleanup: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(name: TargetName, url: string, child: ChildProcess, pinnedCpu: number | undefined, exited: Promise<void>, cleanup?: () => void) {
    if (child.pid === undefined) throw new Error(`${name}: the server process has no pid`);
    this.name = name;
    this.url = url;
    this.pid = child.pid;
    this.pinnedCpu = pinnedCpu;
    this.#child = child;
    this.#exited = exited;
    this.#cleanup = cleanup;
  }

  rssBytes(): Promise<number> {
    return readRssBytes(this.pid);
  }

  cpuMs(): Promise<number> {
    return readCpuMs(this.pid);
  }

  /** SIGTERM, then SIGKILL if the server is still there 5 s later. Safe to call twice. */
  stop(): Promise<void> {
    return (this.#stopping ??= (async () => {
      if (this.#child.exitCode === null && this.#child.signalCode === null) {
        this.#child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
        if ((await Promise.race([this.#exited, late])) === 'late') this.#child.kill('SIGKILL');
        clearTimeout(timer);
        await this.#exited;
      }
      this.#cleanup?.();
      untrack(this.#child);
    })());
  }
}

/**
 * Starts a server and resolves once its `ready` line appeared on stdout. Its output keeps being
 * drained afterwards, so a chatty server never blocks on a full pipe. Rejects, with the tail of
 * its stderr, if it exits or stays silent for `startTimeoutMs` (default 30 s).
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const pin = pinning(options.cpu);
  if (pin.note !== undefined) process.emitWarning(`${options.name} runs unpinned: ${pin.note}`, { code: 'BENCH_UNPINNED' });
  const args = nodeArgs(options.script, options.args);
  const child =
    pin.cpu === undefined
      ? spawn(process.execPath, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('taskset', ['-c', String(pin.cpu), process.execPath, ...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, options.cleanup);

  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const failure = (why: string): Error => new Error(`${options.name}: ${why}${stderr === '' ? '' : `\n${stderr.trimEnd()}`}`);

  const url = await new Promise<string>((resolve, reject) => {
    let pending = '';
    let found = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(failure(`did not report its address within ${options.startTimeoutMs ?? 30_000} ms`));
    }, options.startTimeoutMs ?? 30_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (found) return; // draining only
      pending += chunk;
      let newline: number;
      while (!found && (newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        const url = parseReady(options.ready, line);
        if (url !== undefined) {
          found = true;
          pending = '';
          clearTimeout(timer);
          resolve(url);
        }
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(failure(`could not start (${error.message})`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      if (found) return;
      options.cleanup?.();
      untrack(child);
      reject(failure(`exited before listening (${child.exitCode ?? child.signalCode})`));
    });
  });
  return new ServerProcess(options.name, url, child, pin.cpu, exited, options.cleanup);
}

/** `ready` applied to one line; a line it cannot make sense of is just not the one. */
function parseReady(ready: (line: string) => string | undefined, line: string): string | undefined {
  try {
    return ready(line);
  } catch {
    return undefined;
  }
}

/** The server's resident set size (`VmRSS` in /proc/<pid>/status), in bytes. */
export async function readRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** The CPU time a process used so far, user plus system (/proc/<pid>/stat), in ms. */
export async function readCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read CPU time from /proc/${pid}/stat`);
  return (ticks * 1000) / clockTicksPerSecond();
}

let clockTicks: number | undefined;

/** `getconf CLK_TCK`, asked once; 100 (Linux's usual value) when getconf is missing. */
function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(result.stdout?.trim());
    clockTicks = result.status === 0 && value > 0 ? value : 100;
  }
  return clockTicks;
}

/** The CPU to pin to, or why the server runs unpinned although a CPU was asked for. */
function pinning(cpu: number | undefined): { cpu?: number; note?: string } {
  if (cpu === undefined) return {};
  if (!hasTaskset()) return { note: 'taskset is not installed' };
  // The machine's CPUs, not this process's affinity: the generator pins itself to another CPU
  // than the one it gives the server, and `taskset -c` may set any CPU the machine has.
  if (cpu >= cpus().length) return { note: `this machine has no CPU ${cpu}` };
  return { cpu };
}

let tasksetFound: boolean | undefined;

function hasTaskset(): boolean {
  tasksetFound ??= spawnSync('taskset', ['--version'], { stdio: 'ignore' }).error === undefined;
  return tasksetFound;
}

/** Children not stopped yet, with their cleanup. */
const live = new Map<ChildProcess, (() => void) | undefined>();
let exitHookInstalled = false;

/** Remembers a child so that it dies (and is cleaned up) with this process, even on a crash. */
function track(child: ChildProcess, cleanup: (() => void) | undefined): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const [orphan, cleanupOrphan] of live) {
        orphan.kill('SIGKILL');
        cleanupOrphan?.();
      }
    });
  }
  live.set(child, cleanup);
}

function untrack(child: ChildProcess): void {
  live.delete(child);
}
