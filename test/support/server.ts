/**
 * Starts a real hubbub server for a test: ephemeral port, its own SQLite file (or the given
 * database URL), quiet logs. Tests talk to it over real HTTP and WebSockets through the SDK.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import pino from 'pino';
import { HubbubHttp } from '../../src/client/http-client.js';
import { HubbubSocket } from '../../src/client/socket-client.js';
import type { ConnectOptions, WebSocketFactory } from '../../src/client/socket-client.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { RunningServer } from '../../src/server.js';
import { startServer } from '../../src/server.js';
import { signToken } from './tokens.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  /** A fresh HTTP client (no token). */
  http(): HubbubHttp;
  /** Registers a user; returns the HTTP client (token set) and the session tokens. */
  user(username: string, password?: string): Promise<{ http: HubbubHttp; token: string; refreshToken: string }>;
  /**
   * An access token for `username` signed with the server's secret, as an operator's backend
   * would: the user is created on first use (fast: no password hashing).
   */
  tokenFor(username: string, ttlSeconds?: number): Promise<string>;
  /** Opens a welcomed WebSocket session. */
  connect(token: string, resume?: Record<string, number>, listeners?: ConnectOptions['listeners']): Promise<HubbubSocket>;
  /** Stops the server; with `keepData` the database survives for a restart on the same dir. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export const WS = WebSocket as unknown as WebSocketFactory;

/** The JWT secret of every test server. */
export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';

export async function startTestServer(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hubbub-test-'));
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(dataDir, 'hubbub.db'),
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
      AUTH_RATE_LIMIT: '0',
      ...env,
    },
    { envFile: false },
  );
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? config.logLevel });
  const server = await startServer(config, { logger });
  const url = server.url;
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  const sockets = new Set<HubbubSocket>();
  return {
    server,
    url,
    wsUrl,
    dataDir,
    http: () => new HubbubHttp(url),
    async user(username, password = 'correct horse battery') {
      const http = new HubbubHttp(url);
      const tokens = await http.register(username, password);
      return { http, token: tokens.accessToken, refreshToken: tokens.refreshToken };
    },
    tokenFor: (username, ttlSeconds) => signToken(username, ttlSeconds),
    async connect(token, resume, listeners) {
      const socket = await HubbubSocket.connect(wsUrl, {
        token,
        WebSocket: WS,
        ...(resume === undefined ? {} : { resume }),
        ...(listeners === undefined ? {} : { listeners }),
      });
      sockets.add(socket);
      return socket;
    },
    async close(closeOptions = {}) {
      for (const socket of sockets) socket.close();
      await server.close();
      if (closeOptions.keepData !== true) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs` with `what` in the message. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
