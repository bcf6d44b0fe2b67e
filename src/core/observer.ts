/**
 * What the core reports about itself. The server wires it to Prometheus metrics; the core does
 * not depend on a metrics library.
 */
import type { SessionEnd } from './session.js';

export interface HubObserver {
  sessionOpened(): void;
  /** A session ended: its close code and who closed it. */
  sessionClosed(end: SessionEnd): void;
  command(type: string, outcome: 'ok' | 'error'): void;
  messagesStored(count: number): void;
  /** Events handed to sessions (one per recipient). */
  delivered(count: number): void;
  commitBatch(size: number, durationMs: number): void;
  slowDisconnect(): void;
  rateLimited(scope: string): void;
  /** A room's missed messages were read from the store: how many (-1: the read failed). */
  gapRepair(recovered: number): void;
}

export const noopObserver: HubObserver = {
  sessionOpened() {},
  sessionClosed() {},
  command() {},
  messagesStored() {},
  delivered() {},
  commitBatch() {},
  slowDisconnect() {},
  rateLimited() {},
  gapRepair() {},
};
