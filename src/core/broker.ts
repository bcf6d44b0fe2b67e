/**
 * Fan-out between nodes. The memory broker serves a single node; the Redis broker connects
 * several. The broker carries already-serialised frames so a room event is serialised once,
 * on the node that produced it.
 */
import type { Availability } from '../protocol/availability.js';

/** Topics are `room:<key>` (room events), `user:<id>` (membership changes), `presence`. */
export const roomTopic = (room: string): string => `room:${room}`;
export const userTopic = (userId: number): string => `user:${userId}`;
export const PRESENCE_TOPIC = 'presence';

/** An event for a room's members: the wire frame plus what the node needs to route it. */
export interface RoomBroadcast {
  readonly kind: 'room';
  readonly room: string;
  /** The message's `seq`, or 0 for events outside the message sequence (typing, receipts …). */
  readonly seq: number;
  /** The serialised server event, sent to clients as it is. */
  readonly frame: string;
  /** When set, sessions of this user do not receive it (typing goes to the others only). */
  readonly exceptUserId?: number | undefined;
  /** Worthless when late (typing): skipped for a client that is not keeping up. */
  readonly volatile?: boolean | undefined;
}

/** Tells every node that a user's sessions must start or stop following a room. */
export interface MembershipChange {
  readonly kind: 'membership';
  readonly userId: number;
  readonly room: string;
  readonly roomId: number;
  readonly action: 'joined' | 'left';
  /**
   * The room's last seq, read before the change was published: a node that starts following
   * the room takes it as its baseline (anything after it that does not arrive live is read
   * back from the store).
   */
  readonly lastSeq: number;
}

/**
 * A user came online, went offline or (online) changed availability; `rooms` are the user's
 * rooms, to find who shares one.
 */
export interface PresenceChange {
  readonly kind: 'presence';
  readonly userId: number;
  readonly username: string;
  readonly status: 'online' | 'offline';
  /** With `online`: the user's availability. */
  readonly availability?: Availability | undefined;
  /** An availability change: the user's own sessions hear it too (their other devices follow). */
  readonly self?: boolean | undefined;
  readonly rooms: readonly string[];
}

export type BrokerMessage = RoomBroadcast | MembershipChange | PresenceChange;

/** The node's side of the broker, registered once at start-up. */
export interface BrokerHandler {
  onMessage(topic: string, message: BrokerMessage): void;
  /**
   * Called after the broker lost and regained its connection: anything published meanwhile may
   * be lost, so the node repairs its rooms from the store.
   */
  onReconnect(): void;
}

export interface Broker {
  setHandler(handler: BrokerHandler): void;
  /** Starts delivering a topic's messages to the handler. Idempotent. */
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  /** Publishes to every node subscribed to the topic, this one included. */
  publish(topic: string, message: BrokerMessage): Promise<void>;
  close(): Promise<void>;
}
