/** A `ws` socket seen through the core's `Connection` interface. */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Connection } from '../core/transport.js';

/** Bytes are sent as a text frame: they are UTF-8 JSON. One options object for every send. */
const TEXT_FRAME = { binary: false } as const;

/** How long a closing peer gets to answer the close frame before the socket is cut. */
const CLOSE_GRACE_MS = 2000;

export class WsConnection implements Connection {
  readonly socket: WebSocket;
  /** Cleared by each heartbeat ping, set by the pong: a peer that misses one is dead. */
  alive = true;
  /** The TCP socket under the WebSocket: its `drain` says the peer read what was written. */
  readonly #raw: Duplex;

  constructor(socket: WebSocket, raw: Duplex) {
    this.socket = socket;
    this.#raw = raw;
  }

  send(frame: string | Uint8Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame, TEXT_FRAME);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  whenDrained(): Promise<void> {
    const raw = this.#raw;
    // Below the stream's high-water mark no drain will come: there is nothing to wait for.
    if (!raw.writableNeedDrain || raw.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.on('drain', done);
      raw.on('close', done);
    });
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState >= this.socket.CLOSING) return;
    this.socket.close(code, reason);
    // A client that stopped reading will not answer the close handshake either.
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}
