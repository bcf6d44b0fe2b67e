/**
 * What the core needs of a client connection. The WebSocket adapter implements it; the core
 * never sees `ws`.
 */
export interface Connection {
  /**
   * Writes one text frame, given as a string or as its UTF-8 bytes (the hub encodes a shared
   * payload once for many connections). Never throws; a dead connection ignores it.
   */
  send(frame: string | Uint8Array): void;
  /** Bytes accepted by `send` that the peer has not taken yet (the kernel buffer excluded). */
  readonly bufferedAmount: number;
  /**
   * Resolves once what was handed to `send` has been taken by the operating system (the
   * socket's drain): at once when nothing is waiting. Never rejects; a dead connection
   * resolves it too (or never does — callers wait with a deadline).
   */
  whenDrained(): Promise<void>;
  /** Closes with a close code and a short reason; idempotent. */
  close(code: number, reason: string): void;
}

/** Facts about a connection known at accept time. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  /** A token from the URL (`/ws?token=`), for clients that cannot send one in `hello`. */
  readonly token?: string | undefined;
}
