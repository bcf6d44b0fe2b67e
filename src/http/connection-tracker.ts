/**
 * The HTTP server's TCP connections, HTTP and WebSocket alike, seen from the moment they are
 * accepted: how many each remote address holds, which have a request in flight, which were
 * upgraded to WebSockets, and which never completed a request (a browser's preconnect, a load
 * balancer's probe, half-sent headers).
 *
 * The per-address cap keeps one client from holding every file descriptor the process may open
 * (silent sockets once starved `/healthz` that way): past it, a new connection is cut at once,
 * before a byte is read. It counts TCP peers, so behind a reverse proxy every client is the
 * proxy: operators raise the cap or turn it off there (`MAX_CONNECTIONS_PER_IP`).
 *
 * At shutdown the server must not wait for the last kind: Node's `server.close()` waits for every
 * connection, and only closes those that are idle between keep-alive requests, so one silent
 * socket held the process until the shutdown timeout killed it (exit 1, the store never closed).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../core/logger.js';

export interface ConnectionTrackerOptions {
  /** Most open connections per remote address; 0 = no cap. */
  readonly maxPerAddress: number;
  /** Where a refusal is reported: once per address each time it reaches the cap. */
  readonly logger: Pick<Logger, 'warn'>;
}

/** What is known of one accepted connection. */
interface ConnectionState {
  /** Requests whose headers arrived and whose response has not finished. */
  inFlight: number;
  /** Handed to the WebSocket server: its shutdown is the hub's and the transport's business. */
  upgraded: boolean;
}

export class ConnectionTracker {
  readonly #options: ConnectionTrackerOptions;
  readonly #connections = new Map<Socket, ConnectionState>();
  /** Open connections per remote address (addresses with none are removed). */
  readonly #perAddress = new Map<string, number>();
  /** Addresses at the cap whose refusal was logged: one line per episode, not one per attempt. */
  readonly #refusalLogged = new Set<string>();
  #closing = false;

  constructor(server: Server, options: ConnectionTrackerOptions) {
    this.#options = options;
    server.on('connection', (socket: Socket) => this.#accepted(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.#request(request, response));
    server.on('upgrade', (request: IncomingMessage) => {
      const state = this.#connections.get(request.socket);
      if (state !== undefined) state.upgraded = true;
    });
  }

  /** Open TCP connections, HTTP and WebSocket. */
  get size(): number {
    return this.#connections.size;
  }

  /** Open TCP connections from one remote address. */
  countFrom(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }

  /**
   * Shutdown: closes every HTTP connection with no request in flight (idle keep-alive, silent,
   * or still sending its headers), each remaining one as soon as its response is sent, and any
   * connection accepted from now on. WebSockets are left to the WebSocket server.
   */
  closeUnused(): void {
    this.#closing = true;
    for (const [socket, state] of this.#connections) {
      if (!state.upgraded && state.inFlight === 0) socket.destroy();
    }
  }

  #accepted(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    // Undefined only for a socket already closed: nothing to count.
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const open = this.#perAddress.get(address) ?? 0;
    const max = this.#options.maxPerAddress;
    if (max > 0 && open >= max) {
      socket.destroy();
      if (!this.#refusalLogged.has(address)) {
        this.#refusalLogged.add(address);
        this.#options.logger.warn({ address, max }, 'connections refused: this address holds MAX_CONNECTIONS_PER_IP');
      }
      return;
    }
    this.#perAddress.set(address, open + 1);
    this.#connections.set(socket, { inFlight: 0, upgraded: false });
    socket.once('close', () => {
      this.#connections.delete(socket);
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#perAddress.set(address, left);
      else this.#perAddress.delete(address);
      if (left < max) this.#refusalLogged.delete(address);
    });
  }

  #request(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    const state = this.#connections.get(socket);
    if (state === undefined) return;
    state.inFlight += 1;
    response.once('close', () => {
      state.inFlight -= 1;
      // Flush the response, then close: keep-alive would hold the connection for the next one.
      if (this.#closing && state.inFlight === 0 && !state.upgraded) socket.destroySoon();
    });
  }
}
