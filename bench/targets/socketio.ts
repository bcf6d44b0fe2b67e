/**
 * The Socket.IO comparison target: `bench/servers/socketio-server.ts` driven by
 * `socket.io-client` over the WebSocket transport only (no long-polling phase).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { parseSentAt, type BenchClient, type ConnectOptions, type RunningTarget, type StartOptions, type Target } from '../types.js';
import { listeningUrl, serverScript, spawnServer } from './process.js';

/** What the server emits (see the server script). */
interface ServerEvents {
  msg: (text: string) => void;
}

/** What clients emit. */
interface ClientEvents {
  join: (room: string, ack: () => void) => void;
  msg: (room: string, text: string, ack: () => void) => void;
}

type ChatSocket = Socket<ServerEvents, ClientEvents>;

/** How long `close` waits for the transport to report it closed. */
const CLOSE_WAIT_MS = 2000;

/** Socket.IO v4 with rooms and emit acknowledgements, no storage, no auth. */
export const socketioTarget: Target = {
  name: 'socketio',

  start(options: StartOptions): Promise<RunningTarget> {
    return spawnServer({
      name: 'socketio',
      script: serverScript('socketio-server'),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...options.env },
      cpu: options.cpu,
      ready: listeningUrl,
    });
  },

  async connect(target: RunningTarget, options: ConnectOptions): Promise<BenchClient> {
    // `localAddress` is not in the client's option types, but engine.io-client hands it (with
    // `agent`, `perMessageDeflate`, …) to the `ws` WebSocket it opens in Node.
    const socketOptions: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    };
    const socket: ChatSocket = io(target.url, socketOptions);
    const { sink } = options;
    if (sink !== undefined) socket.on('msg', (text) => sink.deliver(parseSentAt(text)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        socket.off('connect_error');
        resolve();
      });
      socket.once('connect_error', (error) => {
        socket.close();
        reject(new Error(`socketio: cannot connect as ${options.user}: ${error.message}`));
      });
    });
    return new SocketIoClient(socket);
  },
};

class SocketIoClient implements BenchClient {
  readonly #socket: ChatSocket;

  constructor(socket: ChatSocket) {
    this.#socket = socket;
  }

  async join(room: string): Promise<void> {
    this.#assertConnected();
    await this.#socket.emitWithAck('join', room);
  }

  async publish(room: string, text: string): Promise<void> {
    this.#assertConnected();
    await this.#socket.emitWithAck('msg', room, text);
  }

  close(): Promise<void> {
    if (!this.#socket.connected) return Promise.resolve();
    const engine = this.#socket.io.engine;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      engine.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#socket.disconnect();
    });
  }

  /** A disconnected socket buffers emits forever (reconnection is off): fail instead. */
  #assertConnected(): void {
    if (!this.#socket.connected) throw new Error('socketio: the connection is closed');
  }
}
