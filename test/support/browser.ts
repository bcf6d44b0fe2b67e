/**
 * What the browser tests need: Chromium (Debian's, driven by playwright-core), the built web app,
 * and one origin that serves both the app and a real server's API and WebSocket.
 *
 * When the server under test serves the web app itself (server.ts registers `webRoutes`), the
 * tests use it as it is. Otherwise a small front server on its own port serves `web/dist` through
 * `webRoutes` and forwards `/api`, `/healthz` and the `/ws` upgrade to the server, byte for byte,
 * so the browser still sees one origin. The front stays up while a test restarts the server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { webRoutes } from '../../src/http/routes/web.js';
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

export interface WebFront {
  readonly url: string;
  close(): Promise<void>;
}

const FORWARDED = /^\/(api|healthz|readyz)(\/|\?|$)/;

/** The front server: `webRoutes` for the app, everything else of the server forwarded to `backendPort`. */
export async function startWebFront(backendPort: number): Promise<WebFront> {
  const app = Fastify({ logger: false });
  await app.register(webRoutes({ distDir: WEB_DIST }));
  await app.ready();
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    if (!FORWARDED.test(req.url ?? '')) {
      app.routing(req, res);
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      // The server is down (a test is restarting it): what a load balancer would answer.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'the server is not reachable' } }));
    });
    req.pipe(upstream);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const upstream = connect(backendPort, '127.0.0.1', () => {
      let preamble = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) preamble += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(`${preamble}\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('front server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

// ── A server that can be stopped and started again on the same port and data (client and browser tests) ──

/** A port that is free now, so a restarted server can come back on the same URL. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

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
