/**
 * The WebSocket endpoint (`/ws`) on the HTTP server's port: upgrade checks (path, origin, frame
 * size), the heartbeat that drops dead peers, and the glue between `ws` events and the hub.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { Hub } from '../core/hub.js';
import type { Logger } from '../core/logger.js';
import type { Session } from '../core/session.js';
import { errorFrame } from '../core/frames.js';
import { CLOSE_CODES } from '../protocol/codes.js';
import { WsConnection } from './ws-connection.js';

export interface WsServerOptions {
  readonly path: string;
  /** Largest accepted frame; a bigger one closes the connection with 1009. */
  readonly maxFrameBytes: number;
  /** Ping period; a peer that does not answer one ping is dropped at the next. */
  readonly heartbeatIntervalMs: number;
  /** Browser origins allowed to connect; undefined allows any. Non-browser clients send none. */
  readonly allowedOrigins: readonly string[] | undefined;
}

export class WsServer {
  readonly #hub: Hub;
  readonly #logger: Logger;
  readonly #options: WsServerOptions;
  readonly #wss: WebSocketServer;
  readonly #connections = new Map<WsConnection, Session>();
  readonly #heartbeat: NodeJS.Timeout;
  #accepting = true;

  constructor(server: Server, hub: Hub, logger: Logger, options: WsServerOptions) {
    this.#hub = hub;
    this.#logger = logger;
    this.#options = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  /** Refuses new upgrades (shutdown); open connections are closed by the hub. */
  stopAccepting(): void {
    this.#accepting = false;
    clearInterval(this.#heartbeat);
  }

  /** Cuts whatever is still open (after the hub said goodbye) and stops the server. */
  close(): Promise<void> {
    this.stopAccepting();
    for (const connection of this.#connections.keys()) connection.socket.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== this.#options.path) return reject(socket, 404, 'Not Found');
    if (!this.#accepting) return reject(socket, 503, 'Service Unavailable');
    const origin = request.headers.origin;
    const allowed = this.#options.allowedOrigins;
    if (origin !== undefined && allowed !== undefined && !allowed.includes(origin)) {
      this.#logger.info({ origin }, 'websocket upgrade refused: origin not allowed');
      return reject(socket, 403, 'Forbidden');
    }
    const token = url.searchParams.get('token') ?? undefined;
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, socket, request, token));
  }

  #accept(ws: WebSocket, raw: Duplex, request: IncomingMessage, token: string | undefined): void {
    const connection = new WsConnection(ws, raw);
    const remoteAddress = request.socket.remoteAddress ?? 'unknown';
    const session = this.#hub.open(connection, { remoteAddress, token });
    this.#connections.set(connection, session);
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        session.send(errorFrame('invalid_request', 'binary frames are not supported: send JSON text', undefined));
        return;
      }
      this.#hub.receive(session, rawToString(data));
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes by itself after a protocol error; the session records which close it was
      // (the 'close' event that follows only sees an abnormal 1006).
      this.#logger.debug({ sessionId: session.id, code: error.code }, 'websocket error');
      session.close(protocolCloseCode(error.code), error.code ?? 'protocol error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.#connections.delete(connection);
      this.#hub.closed(session, code, reason.length > 0 ? `peer closed: ${reason.toString()}` : 'peer closed');
      const end = session.end;
      this.#logger.info({ sessionId: session.id, user: session.user?.username, code: end?.code ?? code, by: end?.by, reason: end?.reason }, 'connection closed');
    });
  }

  #beat(): void {
    for (const [connection, session] of this.#connections) {
      if (!connection.alive) {
        this.#logger.info({ sessionId: session.id }, 'dropping a peer that missed a heartbeat');
        // 1006: the connection is cut without a close frame.
        this.#hub.closed(session, 1006, 'heartbeat timeout');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

/** The close code `ws` sends for one of its protocol errors. */
function protocolCloseCode(code: string | undefined): number {
  switch (code) {
    case 'WS_ERR_INVALID_UTF8':
      return CLOSE_CODES.invalidPayload;
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
      return CLOSE_CODES.frameTooBig;
    default:
      return CLOSE_CODES.protocolError;
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

