/**
 * The hub: this node's sessions, its users and the rooms they follow, and the routing of room
 * events between the broker and the sessions. It knows nothing of WebSockets, HTTP or SQL:
 * transports hand it `Connection`s and frames; the store, broker and presence engines are
 * interfaces chosen by the composition root.
 */
import { randomUUID } from 'node:crypto';
import { CLOSE_CODES } from '../protocol/codes.js';
import type { Broker, BrokerHandler, BrokerMessage, PresenceChange, RoomBroadcast } from './broker.js';
import { PRESENCE_TOPIC, roomTopic, userTopic } from './broker.js';
import { handleFrame } from './commands/dispatch.js';
import { messageFrame, serialize } from './frames.js';
import { GroupCommit } from './group-commit.js';
import { LocalUser } from './local-user.js';
import type { Logger } from './logger.js';
import type { HubObserver } from './observer.js';
import { noopObserver } from './observer.js';
import { FlushScheduler } from './outbox.js';
import type { Presence, PresenceHandler } from './presence.js';
import type { RateLimiter } from './rate-limiter.js';
import { RoomService } from './room-service.js';
import { RoomChannel, type RoomChannelDeps } from './room-channel.js';
import { RoomSync, passesFloor } from './room-sync.js';
import { Session } from './session.js';
import type { RoomRecord, Store, StoredMessage } from './store.js';
import type { TokenVerifier } from './token-verifier.js';
import type { Connection, ConnectionInfo } from './transport.js';

export interface HubOptions {
  /** Per-connection outbound limit (queued + unsent bytes) before a 4009 close. */
  readonly sendBufferBytes: number;
  /** Coalescing window for outbound frames; 0 writes on the next turn of the event loop. */
  readonly batchWindowMs: number;
  /** Time allowed for the first frame (`hello`). */
  readonly helloTimeoutMs: number;
  readonly maxConnectionsPerUser: number;
  readonly maxTextLength: number;
  /** At most one `typing active:true` relayed per user and room in this interval. */
  readonly typingThrottleMs: number;
  /** Messages per store read while replaying a gap. */
  readonly replayPageSize: number;
  /** Unanswered commands one connection may have before further ones are refused. */
  readonly maxInFlight: number;
  /** Most messages per group-commit transaction. */
  readonly maxCommitBatch: number;
  /** Group-commit transactions in flight at once. */
  readonly commitConcurrency: number;
  /** `welcome.online` covers the user's rooms of at most this many members. */
  readonly welcomePresenceRoomSize: number;
}

export const defaultHubOptions: HubOptions = {
  sendBufferBytes: 1024 * 1024,
  batchWindowMs: 0,
  helloTimeoutMs: 10_000,
  maxConnectionsPerUser: 20,
  maxTextLength: 4000,
  typingThrottleMs: 1000,
  replayPageSize: 500,
  maxInFlight: 256,
  maxCommitBatch: 2000,
  commitConcurrency: 4,
  welcomePresenceRoomSize: 100,
};

export interface HubDeps {
  readonly store: Store;
  readonly broker: Broker;
  readonly presence: Presence;
  readonly tokens: TokenVerifier;
  /** Per-user message rate limit (keyed by user id). */
  readonly messageLimiter: RateLimiter;
  readonly logger: Logger;
  readonly observer?: HubObserver | undefined;
  readonly clock?: (() => number) | undefined;
}

export class Hub implements BrokerHandler, PresenceHandler {
  readonly options: HubOptions;
  readonly store: Store;
  readonly broker: Broker;
  readonly presence: Presence;
  readonly tokens: TokenVerifier;
  readonly messageLimiter: RateLimiter;
  readonly logger: Logger;
  readonly observer: HubObserver;
  readonly now: () => number;
  readonly rooms: RoomService;
  readonly messages: GroupCommit;

  readonly #scheduler: FlushScheduler;
  readonly #sessions = new Set<Session>();
  readonly #users = new Map<number, LocalUser>();
  readonly #channels = new Map<string, RoomChannel>();
  #closing = false;

  constructor(deps: HubDeps, options: Partial<HubOptions> = {}) {
    this.options = Object.freeze({ ...defaultHubOptions, ...options });
    this.store = deps.store;
    this.broker = deps.broker;
    this.presence = deps.presence;
    this.tokens = deps.tokens;
    this.messageLimiter = deps.messageLimiter;
    this.logger = deps.logger;
    this.observer = deps.observer ?? noopObserver;
    this.now = deps.clock ?? Date.now;
    this.#scheduler = new FlushScheduler(this.options.batchWindowMs);
    this.rooms = new RoomService(this.store, this, this.now);
    this.messages = new GroupCommit(this.store, {
      maxBatch: this.options.maxCommitBatch,
      concurrency: this.options.commitConcurrency,
      onStored: (stored) => this.#publishStored(stored),
      onBatch: (size, ms) => this.observer.commitBatch(size, ms),
    });
    this.broker.setHandler(this);
    this.presence.setHandler(this);
  }

  /** Subscribes to the node-wide topics; call once before accepting connections. */
  async start(): Promise<void> {
    await this.broker.subscribe(PRESENCE_TOPIC);
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** A transport accepted a connection: the session waits for `hello`. */
  open(connection: Connection, info: ConnectionInfo): Session {
    const session = new Session(
      randomUUID(),
      connection,
      info.remoteAddress,
      this.#scheduler,
      { sendBufferBytes: this.options.sendBufferBytes },
      (slow) => this.#tooSlow(slow),
    );
    session.queryToken = info.token;
    if (this.#closing) {
      session.close(CLOSE_CODES.goingAway, 'server shutting down');
      return session;
    }
    this.#sessions.add(session);
    session.helloTimer = setTimeout(() => {
      if (session.state === 'awaiting-hello') session.close(CLOSE_CODES.unauthorized, 'no hello in time');
    }, this.options.helloTimeoutMs);
    session.helloTimer.unref();
    this.observer.sessionOpened();
    return session;
  }

  /** A transport received a text frame for the session. */
  receive(session: Session, frame: string): void {
    if (session.state === 'closed') return;
    handleFrame(this, session, frame);
  }

  /** The transport's connection is gone (closed by either side). */
  closed(session: Session, reason: string): void {
    if (!this.#sessions.delete(session)) return;
    session.markClosed(reason);
    this.observer.sessionClosed(session.closeReason ?? reason);
    if (session.presenceUserId !== undefined) {
      const userId = session.presenceUserId;
      this.presence.disconnect(userId, session.id).catch((error: unknown) => {
        this.logger.warn({ err: error, userId }, 'presence disconnect failed');
      });
    }
    const user = session.user;
    if (user === undefined) return;
    if (session.typing !== undefined) {
      for (const room of session.typing) this.relayTyping(user, room, false);
    }
    user.sessions.delete(session);
    if (user.sessions.size === 0) this.#forgetUser(user);
  }

  /**
   * Adds an authenticated session to its user, loading the user's rooms when it is the user's
   * first session here. The session holds every room's live messages until it is caught up.
   * Undefined when the session closed while the rooms were loading.
   */
  async attachSession(session: Session, userId: number, username: string): Promise<LocalUser | undefined> {
    let user = this.#users.get(userId);
    if (user === undefined) {
      const created = new LocalUser(userId, username);
      user = created;
      this.#users.set(userId, created);
      created.loaded = (async () => {
        // The user topic first: a join elsewhere from now on reaches this node.
        await this.broker.subscribe(userTopic(userId));
        const memberships = await this.store.listMemberships(userId);
        await Promise.all(memberships.map((m) => this.followRoom(created, m.room.key, m.room.id, m.room.lastSeq)));
      })();
      created.loaded.catch(() => {
        // A failed load must not stick: the next session of this user tries again.
        if (this.#users.get(userId) === created && created.sessions.size === 0) this.#forgetUser(created);
      });
    }
    // A second tab connecting while the first is loading waits for the same load.
    await user.loaded;
    if (session.isClosed) {
      if (user.sessions.size === 0 && this.#users.get(userId) === user) this.#forgetUser(user);
      return undefined;
    }
    // Forgotten while we waited (its only other session closed): start over with a fresh one.
    if (this.#users.get(userId) !== user) return this.attachSession(session, userId, username);
    session.syncing = new Map();
    for (const room of user.rooms.keys()) session.syncing.set(room, new RoomSync());
    session.user = user;
    user.sessions.add(session);
    return user;
  }

  /**
   * Makes every session of a local user receive a room's events. `lastSeq` is the room's last
   * seq as read before subscribing: the channel's baseline for noticing lost messages (a stale
   * one only costs a store read).
   */
  followRoom(user: LocalUser, room: string, roomId: number, lastSeq: number): Promise<void> {
    user.rooms.set(room, roomId);
    let channel = this.#channels.get(room);
    if (channel === undefined) {
      channel = new RoomChannel(room, roomId, lastSeq, this.broker.subscribe(roomTopic(room)), this.#channelDeps);
      this.#channels.set(room, channel);
    }
    channel.members.add(user);
    return channel.subscribed;
  }

  /** Stops a local user's sessions from receiving a room's events. */
  unfollowRoom(user: LocalUser, room: string): void {
    if (!user.rooms.delete(room)) return;
    for (const session of user.sessions) {
      session.syncing?.delete(room);
      session.floors?.delete(room);
      if (session.typing?.delete(room)) this.relayTyping(user, room, false);
    }
    user.typingRelayedAt?.delete(room);
    const channel = this.#channels.get(room);
    if (channel === undefined) return;
    channel.members.delete(user);
    if (channel.members.size === 0) {
      this.#channels.delete(room);
      this.broker.unsubscribe(roomTopic(room)).catch((error: unknown) => {
        this.logger.warn({ err: error, room }, 'unsubscribe failed');
      });
    }
  }

  /** A local user, if they have a session on this node. */
  localUser(userId: number): LocalUser | undefined {
    return this.#users.get(userId);
  }

  /**
   * A user joined or left a room (through any session, HTTP or node): applies it here at once
   * and tells the other nodes. Also announces it to the room's members.
   */
  async membershipChanged(userId: number, username: string, room: RoomRecord, action: 'joined' | 'left'): Promise<void> {
    const user = this.#users.get(userId);
    if (user !== undefined) {
      if (action === 'joined') await this.followRoom(user, room.key, room.id, room.lastSeq);
      else this.unfollowRoom(user, room.key);
    }
    const change = { kind: 'membership', userId, room: room.key, roomId: room.id, action, lastSeq: room.lastSeq } as const;
    await this.broker.publish(userTopic(userId), change);
    await this.broadcast(room.key, serialize({ type: 'member', room: room.key, user: username, action }));
  }

  /** Publishes a room event that is not a message (member, receipt, typing). */
  broadcast(room: string, frame: string, extra: { exceptUserId?: number; volatile?: boolean } = {}): Promise<void> {
    return this.broker.publish(roomTopic(room), { kind: 'room', room, seq: 0, frame, ...extra });
  }

  /** Relays a typing mark of `user` to the room's other members. */
  relayTyping(user: LocalUser, room: string, active: boolean): void {
    const frame = serialize({ type: 'typing', room, user: user.username, active });
    this.broadcast(room, frame, { exceptUserId: user.id, volatile: true }).catch((error: unknown) => {
      this.logger.warn({ err: error, room }, 'typing relay failed');
    });
  }

  // ---- BrokerHandler ----

  onMessage(_topic: string, message: BrokerMessage): void {
    switch (message.kind) {
      case 'room':
        this.#deliverRoomEvent(message);
        return;
      case 'membership': {
        const user = this.#users.get(message.userId);
        if (user === undefined) return;
        if (message.action === 'joined') {
          if (!user.rooms.has(message.room)) {
            this.followRoom(user, message.room, message.roomId, message.lastSeq).catch((error: unknown) => {
              this.logger.warn({ err: error, room: message.room }, 'could not follow a room joined on another node');
            });
          }
        } else this.unfollowRoom(user, message.room);
        return;
      }
      case 'presence':
        this.#deliverPresence(message);
        return;
    }
  }

  onReconnect(): void {
    this.logger.warn({ rooms: this.#channels.size }, 'broker reconnected: reading what was missed meanwhile from the store');
    for (const channel of this.#channels.values()) channel.resync();
  }

  // ---- PresenceHandler ----

  onPresenceChange(userId: number, status: 'online' | 'offline'): void {
    void this.#announcePresence(userId, status).catch((error: unknown) => {
      this.logger.warn({ err: error, userId }, 'presence announcement failed');
    });
  }

  /**
   * Graceful stop: refuse new sessions, let in-flight sends commit and their acks go out, then
   * close every session with 1001 so clients resume elsewhere.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    await this.messages.whenIdle();
    this.#scheduler.flushAll();
    for (const session of [...this.#sessions]) {
      session.close(CLOSE_CODES.goingAway, 'server shutting down');
      this.closed(session, 'server shutting down');
    }
  }

  // ---- internals ----

  #publishStored(stored: readonly StoredMessage[]): void {
    this.observer.messagesStored(stored.length);
    for (const message of stored) {
      const frame = messageFrame(message);
      this.broker.publish(roomTopic(message.room), { kind: 'room', room: message.room, seq: message.seq, frame }).catch((error: unknown) => {
        // The message is stored and acknowledged: clients get it through resume or history.
        this.logger.warn({ err: error, room: message.room, seq: message.seq }, 'publish failed');
      });
    }
  }

  #deliverRoomEvent(event: RoomBroadcast): void {
    this.#channels.get(event.room)?.accept(event);
  }

  readonly #channelDeps: RoomChannelDeps = {
    readAfter: async (roomId, afterSeq, limit) => {
      const page = await this.store.history(roomId, { after: afterSeq, limit });
      return page.messages.map((message) => ({ seq: message.seq, frame: messageFrame(message) }));
    },
    deliver: (channel, event) => this.#deliverToSessions(channel, event),
    onRepair: (channel, outcome) => {
      if ('error' in outcome) this.logger.error({ err: outcome.error, room: channel.key }, 'could not read missed messages from the store');
      else if (outcome.recovered > 0) this.logger.info({ room: channel.key, recovered: outcome.recovered }, 'recovered messages the broker lost');
      this.observer.gapRepair('error' in outcome ? -1 : outcome.recovered);
    },
  };

  /** Hands an in-order room event to the channel's local sessions. */
  #deliverToSessions(channel: RoomChannel, event: RoomBroadcast): void {
    let delivered = 0;
    for (const user of channel.members) {
      if (user.id === event.exceptUserId) continue;
      for (const session of user.sessions) {
        if (session.state !== 'open') {
          // Not welcomed yet: messages wait for the catch-up; other events are in the welcome.
          if (event.seq > 0 && session.state === 'authenticating') this.#hold(session, event);
          continue;
        }
        if (event.seq > 0) {
          if (session.syncing !== undefined) {
            const sync = session.syncing.get(event.room);
            if (sync !== undefined) {
              sync.hold(event.seq, event.frame);
              continue;
            }
          }
          // Already sent by a catch-up that read it from the store before it was published.
          if (session.floors !== undefined && !passesFloor(session.floors, event.room, event.seq)) continue;
        }
        if (event.volatile === true) session.sendVolatile(event.frame);
        else session.send(event.frame);
        delivered++;
      }
    }
    this.observer.delivered(delivered);
  }

  #hold(session: Session, event: RoomBroadcast): void {
    session.syncing ??= new Map();
    let sync = session.syncing.get(event.room);
    if (sync === undefined) {
      sync = new RoomSync();
      session.syncing.set(event.room, sync);
    }
    sync.hold(event.seq, event.frame);
  }

  #deliverPresence(change: PresenceChange): void {
    const recipients = new Set<LocalUser>();
    for (const room of change.rooms) {
      const channel = this.#channels.get(room);
      if (channel === undefined) continue;
      for (const user of channel.members) if (user.id !== change.userId) recipients.add(user);
    }
    if (recipients.size === 0) return;
    const frame = serialize({ type: 'presence', user: change.username, status: change.status });
    for (const user of recipients) for (const session of user.sessions) if (session.state === 'open') session.send(frame);
  }

  async #announcePresence(userId: number, status: 'online' | 'offline'): Promise<void> {
    const local = this.#users.get(userId);
    let username: string;
    let rooms: string[];
    if (local !== undefined) {
      username = local.username;
      rooms = [...local.rooms.keys()];
    } else {
      const user = await this.store.findUserById(userId);
      if (user === undefined) return;
      username = user.username;
      rooms = (await this.store.listMemberships(userId)).map((m) => m.room.key);
    }
    await this.broker.publish(PRESENCE_TOPIC, { kind: 'presence', userId, username, status, rooms });
  }

  #forgetUser(user: LocalUser): void {
    for (const room of [...user.rooms.keys()]) {
      const channel = this.#channels.get(room);
      if (channel === undefined) continue;
      channel.members.delete(user);
      if (channel.members.size === 0) {
        this.#channels.delete(room);
        void this.broker.unsubscribe(roomTopic(room)).catch(() => {});
      }
    }
    this.#users.delete(user.id);
    void this.broker.unsubscribe(userTopic(user.id)).catch(() => {});
  }

  #tooSlow(session: Session): void {
    this.observer.slowDisconnect();
    this.logger.info({ sessionId: session.id, backlog: session.backlogBytes }, 'closing a client that does not read');
    session.close(CLOSE_CODES.tooSlow, 'too slow');
    this.closed(session, 'too slow');
  }
}
