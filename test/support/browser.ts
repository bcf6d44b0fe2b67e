/**
 * What the browser tests need: Chromium (Debian's, driven by playwright-core), the built web app
 * (the server under test serves it at `/`), and a server that can be restarted on one port.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './server.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_DIST = join(ROOT, 'web', 'dist');

/** Chromium's flags for this machine: headless, no sandbox (root), no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium binary, or undefined when it is not installed. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Builds the web app when `web/dist` is missing or older than its sources. */
export function ensureWebBuilt(): void {
  const index = join(WEB_DIST, 'index.html');
  const sources = [join(ROOT, 'web'), join(ROOT, 'src', 'client'), join(ROOT, 'src', 'protocol')];
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

/** True when `url` already serves the web app (the server registers `webRoutes`). */
export async function servesWebApp(url: string): Promise<boolean> {
  const response = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
  await response.arrayBuffer();
  return response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html');
}

// ── A server that can be stopped and started again on the same port and data (client and browser tests) ──

/** A server on a fixed port that a test can stop and start again on the same data. */
export class RestartableServer {
  current: TestServer | undefined;
  readonly #port: number;
  readonly #env: Record<string, string>;
  #dataDir: string | undefined;

  constructor(port: number, env: Record<string, string> = {}) {
    this.#port = port;
    this.#env = env;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get server(): TestServer {
    if (this.current === undefined) throw new Error('the server is stopped');
    return this.current;
  }

  async start(): Promise<TestServer> {
    this.current = await startTestServer({ PORT: String(this.#port), MESSAGE_RATE_LIMIT: '0', ...this.#env }, this.#dataDir === undefined ? {} : { dataDir: this.#dataDir });
    this.#dataDir = this.current.dataDir;
    return this.current;
  }

  async stop(): Promise<void> {
    await this.current?.close({ keepData: true });
    this.current = undefined;
  }

  async destroy(): Promise<void> {
    if (this.current !== undefined) await this.current.close();
    else if (this.#dataDir !== undefined) rmSync(this.#dataDir, { recursive: true, force: true });
  }
}
