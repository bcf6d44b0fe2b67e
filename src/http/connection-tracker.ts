/**
 * The HTTP server's TCP connections, HTTP and WebSocket alike, seen from the moment they are
 * accepted: which have a request in flight, which were upgraded to WebSockets, and which never
 * completed a request (a browser's preconnect, a load balancer's probe, half-sent headers).
 *
 * At shutdown the server must not wait for the last kind: Node's `server.close()` waits for every
 * connection, and only closes those that are idle between keep-alive requests, so one silent
 * socket held the process until the shutdown timeout killed it (exit 1, the store never closed).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What is known of one accepted connection. */
interface ConnectionState {
  /** Requests whose headers arrived and whose response has not finished. */
  inFlight: number;
  /** Handed to the WebSocket server: its shutdown is the hub's and the transport's business. */
  upgraded: boolean;
}

export class ConnectionTracker {
  readonly #connections = new Map<Socket, ConnectionState>();
  #closing = false;

  constructor(server: Server) {
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
    this.#connections.set(socket, { inFlight: 0, upgraded: false });
    socket.once('close', () => this.#connections.delete(socket));
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
