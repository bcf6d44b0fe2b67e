/**
 * The hub: this node's sessions, its users and the rooms they follow, and the routing of room
 * events between the broker and the sessions. It knows nothing of WebSockets, HTTP or SQL:
 * transports hand it `Connection`s and frames; the store, broker and presence engines are
 * interfaces chosen by the composition root. Commands live in `commands/` and reach the hub
 * only through the narrow `Routing` it gives them.
 */
import { randomUUID } from 'node:crypto';
import { CLOSE_CODES } from '../protocol/codes.js';
import type { Broker, BrokerHandler, BrokerMessage, MembershipChange, PresenceChange, RoomBroadcast } from './broker.js';
import { PRESENCE_TOPIC, roomTopic, userTopic } from './broker.js';
import type { CommandServices, RateLimits, Routing } from './commands/command.js';
import { CommandDispatcher } from './commands/dispatcher.js';
import { COMMANDS } from './commands/table.js';
import { messageFrame, serialize } from './frames.js';
import { GroupCommit } from './group-commit.js';
import { defaultHubOptions, type HubOptions } from './hub-options.js';
import { KeyedThrottle } from './keyed-throttle.js';
import { LastSeenRecorder } from './last-seen.js';
import { LocalUser } from './local-user.js';
import type { Logger } from './logger.js';
import type { HubObserver } from './observer.js';
import { noopObserver } from './observer.js';
import { FlushScheduler } from './outbox.js';
import type { Presence, PresenceHandler } from './presence.js';
import type { RateLimiter } from './rate-limiter.js';
import { RoomChannel, type RoomChannelDeps } from './room-channel.js';
import { RoomService, type MembershipEvent } from './room-service.js';
import { Session, type SessionHooks } from './session.js';
import type { RoomRecord, Store, StoredMessage } from './store.js';
import type { TokenVerifier } from './token-verifier.js';
import type { Connection, ConnectionInfo } from './transport.js';
import type { Availability } from '../protocol/availability.js';

export interface HubDeps {
  readonly store: Store;
  readonly broker: Broker;
  readonly presence: Presence;
  readonly tokens: TokenVerifier;
  /** Per-user limits of the command classes (keyed by user id). */
  readonly limits: RateLimits;
  /** Rooms a user may create per interval (keyed by user id). */
  readonly roomCreationLimiter: RateLimiter;
  /** Rooms a user may be a member of. */
  readonly maxRoomsPerUser: number;
  readonly logger: Logger;
  readonly observer?: HubObserver | undefined;
  readonly clock?: (() => number) | undefined;
}

/** A typing mark on its way to a room, throttled per user and room. */
interface TypingMark {
  readonly userId: number;
  readonly username: string;
  readonly room: string;
  readonly active: boolean;
  /**
   * A stop was replaced inside the interval by a new start. Readers drop a typing line when
   * the user's message arrives (the stop that rides with a send), so the start is news to
   * them even though the last relayed mark was also a start.
   */
  readonly afterStop?: boolean;
}

/** An availability change on its way to the user's rooms, throttled per user. */
interface AvailabilityMark {
  readonly userId: number;
  readonly availability: Availability;
}

/** A read position on its way to a room, throttled per user and room. */
interface ReadReceipt {
  readonly username: string;
  readonly room: string;
  readonly seq: number;
}

export class Hub {
  /** The room rules, shared with the HTTP routes. */
  readonly rooms: RoomService;

  readonly #options: HubOptions;
  readonly #store: Store;
  readonly #broker: Broker;
  readonly #presence: Presence;
  readonly #logger: Logger;
  readonly #observer: HubObserver;
  readonly #messages: GroupCommit;
  readonly #dispatcher: CommandDispatcher;
  readonly #scheduler: FlushScheduler;
  readonly #clock: () => number;
  readonly #sessions = new Set<Session>();
  readonly #users = new Map<number, LocalUser>();
  readonly #channels = new Map<string, RoomChannel>();
  readonly #typing: KeyedThrottle<TypingMark>;
  readonly #receipts: KeyedThrottle<ReadReceipt>;
  readonly #availability: KeyedThrottle<AvailabilityMark>;
  readonly #lastSeen: LastSeenRecorder;
  #closing = false;

  constructor(deps: HubDeps, options: Partial<HubOptions> = {}) {
    this.#options = Object.freeze({ ...defaultHubOptions, ...options });
    this.#store = deps.store;
    this.#broker = deps.broker;
    this.#presence = deps.presence;
    this.#logger = deps.logger;
    this.#observer = deps.observer ?? noopObserver;
    this.#clock = deps.clock ?? Date.now;
    this.#scheduler = new FlushScheduler(this.#options.batchWindowMs);
    this.rooms = new RoomService({
      store: this.#store,
      sink: { membershipChanged: (event) => this.#membershipChanged(event) },
      now: this.#clock,
      roomCreationLimiter: deps.roomCreationLimiter,
      maxRoomsPerUser: deps.maxRoomsPerUser,
    });
    this.#messages = new GroupCommit(this.#store, {
      maxBatch: this.#options.maxCommitBatch,
      concurrency: this.#options.commitConcurrency,
      onStored: (stored) => this.#publishStored(stored),
      onBatch: (size, ms) => this.#observer.commitBatch(size, ms),
      onIsolated: (error) => this.#logger.warn({ err: error }, 'a message the database refused was taken out of its batch'),
    });
    this.#typing = new KeyedThrottle<TypingMark>({
      intervalMs: this.#options.typingThrottleMs,
      send: (_key, mark) => this.#relayTyping(mark),
      // Within an interval only a change of state is worth a trailing event; a repeated
      // `active:true` is the leading edge of the next interval, unless a stop came between.
      worthSending: (sent, latest) => sent.active !== latest.active || latest.afterStop === true,
      // A start carries the stop it replaced (or that the start it replaced carried).
      merge: (pending, next) => ({ ...next, afterStop: next.active && (!pending.active || pending.afterStop === true) }),
    });
    this.#receipts = new KeyedThrottle<ReadReceipt>({
      intervalMs: this.#options.receiptThrottleMs,
      send: (_key, receipt) => this.#broadcastReceipt(receipt),
      worthSending: (sent, latest) => latest.seq > sent.seq,
    });
    // A user flipping their status broadcasts at most once per interval; the value sent is
    // read from presence when it goes out, so the last one always arrives.
    this.#availability = new KeyedThrottle<AvailabilityMark>({
      intervalMs: this.#options.statusThrottleMs,
      send: (_key, mark) => this.#announceAvailability(mark.userId),
      worthSending: (sent, latest) => sent.availability !== latest.availability,
    });
    this.#lastSeen = new LastSeenRecorder({ store: this.#store, flushMs: this.#options.lastSeenFlushMs, logger: this.#logger });
    const services: CommandServices = {
      store: this.#store,
      rooms: this.rooms,
      messages: this.#messages,
      presence: this.#presence,
      tokens: deps.tokens,
      routing: this.#routing,
      limits: deps.limits,
      options: this.#options,
      now: this.#clock,
      logger: this.#logger,
      observer: this.#observer,
    };
    this.#dispatcher = new CommandDispatcher(services, COMMANDS);
    this.#broker.setHandler(this.#brokerHandler);
    this.#presence.setHandler(this.#presenceHandler);
  }

  /** Subscribes to the node-wide topics; call once before accepting connections. */
  async start(): Promise<void> {
    await this.#broker.subscribe(PRESENCE_TOPIC);
  }

  /** A transport accepted a connection: the session waits for `hello`. */
  open(connection: Connection, info: ConnectionInfo): Session {
    const session = new Session({
      id: randomUUID(),
      connection,
      remoteAddress: info.remoteAddress,
      queryToken: info.token,
      scheduler: this.#scheduler,
      sendBufferBytes: this.#options.sendBufferBytes,
      clock: this.#clock,
      hooks: this.#sessionHooks,
    });
    if (this.#closing) {
      session.close(CLOSE_CODES.goingAway, 'server shutting down');
      return session;
    }
    this.#sessions.add(session);
    session.expectHelloWithin(this.#options.helloTimeoutMs);
    this.#observer.sessionOpened();
    return session;
  }

  /** A transport received a text frame for the session. */
  receive(session: Session, frame: string): void {
    this.#dispatcher.receive(session, frame);
  }

  /** The transport's connection is gone (the peer closed it, or it died): `code` as observed. */
  closed(session: Session, code: number, reason: string): void {
    session.connectionClosed(code, reason);
  }

  /**
   * Graceful stop: refuse new sessions, let in-flight sends commit and their acks go out, then
   * close every session with 1001 so clients resume elsewhere.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    await this.#messages.whenIdle();
    this.#scheduler.flushAll();
    for (const session of [...this.#sessions]) session.close(CLOSE_CODES.goingAway, 'server shutting down');
    this.#typing.clear();
    this.#receipts.clear();
    this.#availability.clear();
    await this.#lastSeen.flush();
  }

  /** Writes the last-seen times gathered so far (shutdown does it too; for tests). */
  flushLastSeen(): Promise<void> {
    return this.#lastSeen.flush();
  }

  // ---- what sessions tell the hub ----

  readonly #sessionHooks: SessionHooks = {
    ended: (session) => this.#ended(session),
    tooSlow: (session) => {
      this.#observer.slowDisconnect();
      this.#logger.info({ sessionId: session.id, backlog: session.backlogBytes }, 'closing a client that does not read');
    },
  };

  #ended(session: Session): void {
    if (!this.#sessions.delete(session)) return;
    this.#observer.sessionClosed(session.end!);
    const presenceUserId = session.presenceUserId;
    if (presenceUserId !== undefined) {
      this.#presence.disconnect(presenceUserId, session.id).catch((error: unknown) => {
        this.#logger.warn({ err: error, userId: presenceUserId }, 'presence disconnect failed');
      });
    }
    const user = session.user === undefined ? undefined : this.#users.get(session.user.id);
    if (user === undefined) return;
    for (const room of session.typingRooms()) this.#routing.typing(session, room, false);
    user.sessions.delete(session);
    if (user.sessions.size === 0) this.#forgetUser(user);
  }

  // ---- what commands may ask of the hub ----

  readonly #routing: Routing = {
    attach: (session, account) => this.#attach(session, account.id, account.username),
    follow: async (user, room) => {
      const local = this.#users.get(user.id);
      if (local !== undefined) await this.#follow(local, room.key, room.id, room.lastSeq);
    },
    typing: (session, room, active) => {
      const user = session.user;
      if (user === undefined) return;
      if (active) session.startTyping(room);
      else if (!session.stopTyping(room)) return; // this connection was not typing there
      this.#typing.push(`${user.id}:${room}`, { userId: user.id, username: user.username, room, active });
    },
    receipt: (user, room, seq) => this.#receipts.push(`${user.id}:${room}`, { username: user.username, room, seq }),
  };

  /**
   * Adds an authenticated session to its user, loading the user's rooms when it is the user's
   * first session here. The session holds every room's live messages until it is caught up.
   * Undefined when the session closed while the rooms were loading.
   */
  async #attach(session: Session, userId: number, username: string): Promise<LocalUser | undefined> {
    let user = this.#users.get(userId);
    if (user === undefined) {
      const created = new LocalUser(userId, username);
      user = created;
      this.#users.set(userId, created);
      created.loaded = (async () => {
        // The user topic first: a join elsewhere from now on reaches this node.
        await this.#broker.subscribe(userTopic(userId));
        const memberships = await this.#store.listMemberships(userId);
        await Promise.all(memberships.map((m) => this.#follow(created, m.room.key, m.room.id, m.room.lastSeq)));
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
    if (this.#users.get(userId) !== user) return this.#attach(session, userId, username);
    session.attach(user);
    user.sessions.add(session);
    return user;
  }

  /**
   * Makes every session of a local user receive a room's events. `lastSeq` is the room's last
   * seq as read before subscribing: the channel's baseline for noticing lost messages (a stale
   * one only costs a store read).
   */
  #follow(user: LocalUser, room: string, roomId: number, lastSeq: number): Promise<void> {
    user.rooms.set(room, roomId);
    let channel = this.#channels.get(room);
    if (channel === undefined) {
      channel = new RoomChannel(room, roomId, lastSeq, this.#broker.subscribe(roomTopic(room)), this.#channelDeps);
      this.#channels.set(room, channel);
    }
    channel.members.add(user);
    return channel.subscribed;
  }

  /** Stops a local user's sessions from receiving a room's events. */
  #unfollow(user: LocalUser, room: string): void {
    if (!user.rooms.delete(room)) return;
    for (const session of user.sessions) {
      session.feed.forget(room);
      if (session.typingRooms().includes(room)) this.#routing.typing(session, room, false);
    }
    this.#leaveChannel(user, room);
  }

  #leaveChannel(user: LocalUser, room: string): void {
    const channel = this.#channels.get(room);
    if (channel === undefined) return;
    channel.members.delete(user);
    if (channel.members.size > 0) return;
    this.#channels.delete(room);
    this.#broker.unsubscribe(roomTopic(room)).catch((error: unknown) => {
      this.#logger.warn({ err: error, room }, 'unsubscribe failed');
    });
  }

  #forgetUser(user: LocalUser): void {
    for (const room of [...user.rooms.keys()]) this.#leaveChannel(user, room);
    this.#users.delete(user.id);
    void this.#broker.unsubscribe(userTopic(user.id)).catch(() => {});
  }

  // ---- membership ----

  /**
   * A user joined or left a room (through any session, HTTP or node): applied here at once,
   * then told to the user's sessions on the other nodes and to the room's other members.
   */
  async #membershipChanged(event: MembershipEvent): Promise<void> {
    const { userId, username, room, action } = event;
    const change: MembershipChange = { kind: 'membership', userId, room: room.key, roomId: room.id, action, lastSeq: room.lastSeq };
    // Where the change sits among the messages, as the room's activity reports it on a reload.
    const place = { afterSeq: event.afterSeq, ts: new Date(event.at).toISOString() };
    await this.#applyMembership(change, true, place);
    await this.#broker.publish(userTopic(userId), change);
    // The member's own sessions heard it on the user topic; the others hear it here. Volatile:
    // a member who is behind skips it (the members list has the truth) instead of queueing it.
    const frame = serialize({ type: 'member', room: room.key, user: username, action, ...place });
    await this.#broadcast(room.key, frame, { exceptUserId: userId, volatile: true });
    if (action === 'joined') await this.#announceNewMember(userId, username, room);
  }

  /**
   * Applies a membership change to the user's sessions on this node: follow (or stop
   * following) the room and tell each session. A change heard from the broker is checked
   * against the store before it grants anything: the broker carries news, the store decides
   * membership. Idempotent: the local echo of a change applied here does nothing. `place`
   * (where the change sits among the messages) is known on the node that made the change only:
   * the broker's membership messages do not carry it.
   */
  async #applyMembership(change: MembershipChange, fromStore: boolean, place?: { afterSeq: number; ts: string }): Promise<void> {
    const user = this.#users.get(change.userId);
    if (user === undefined) return;
    const { room } = change;
    if (change.action === 'left') {
      user.checkingJoins.delete(room);
      if (!user.rooms.has(room)) return;
      // Before unfollowing: the user's other tabs learn that the room is gone.
      this.#sendToUser(user, serialize({ type: 'member', room, user: user.username, action: 'left', ...place }));
      this.#unfollow(user, room);
      return;
    }
    if (user.rooms.has(room)) return;
    if (!fromStore) {
      const check = Symbol(room);
      user.checkingJoins.set(room, check);
      const member = await this.#store.isMember(change.roomId, user.id).catch((error: unknown) => {
        this.#logger.warn({ err: error, room }, 'could not check a membership heard from another node');
        return false;
      });
      // A leave arrived meanwhile, or the user went: this (older) answer no longer holds.
      if (user.checkingJoins.get(room) !== check) return;
      user.checkingJoins.delete(room);
      if (!member || user.rooms.has(room) || this.#users.get(user.id) !== user) return;
    }
    await this.#follow(user, room, change.roomId, change.lastSeq);
    this.#sendToUser(user, serialize({ type: 'member', room, user: user.username, action: 'joined', ...place }));
    await this.#tellStatusesTo(user, change.roomId);
  }

  /** Sends a frame to every welcomed session of a local user. */
  #sendToUser(user: LocalUser, frame: string): void {
    for (const session of user.openSessions()) session.send(frame);
  }

  /**
   * A user came to share a small room with its members: each side learns whether the other is
   * online. This node's sessions of the new member hear the members' statuses here; the members
   * hear the newcomer's below. Rooms over `presenceRoomSize` members are skipped, as everywhere.
   */
  async #tellStatusesTo(user: LocalUser, roomId: number): Promise<void> {
    const members = await this.#smallRoomMembers(roomId);
    const others = members?.filter((member) => member.id !== user.id) ?? [];
    if (others.length === 0) return;
    const online = await this.#presence.statuses(others.map((member) => member.id));
    for (const member of others) {
      const availability = online.get(member.id);
      if (availability === undefined) continue;
      const frame = serialize({ type: 'presence', user: member.username, status: 'online', availability });
      for (const session of user.openSessions()) session.sendVolatile(frame);
    }
  }

  async #announceNewMember(userId: number, username: string, room: RoomRecord): Promise<void> {
    const members = await this.#smallRoomMembers(room.id);
    if (members === undefined || members.length < 2) return;
    const availability = (await this.#presence.statuses([userId])).get(userId);
    if (availability === undefined) return;
    const frame = serialize({ type: 'presence', user: username, status: 'online', availability });
    await this.#broadcast(room.key, frame, { exceptUserId: userId, volatile: true });
  }

  /** The room's members when it has at most `presenceRoomSize`, else undefined. */
  async #smallRoomMembers(roomId: number): Promise<{ id: number; username: string }[] | undefined> {
    const limit = this.#options.presenceRoomSize;
    const members = await this.#store.listMembers(roomId, limit + 1);
    return members.length > limit ? undefined : members;
  }

  // ---- room events ----

  /** Publishes a room event that is not a message (member, receipt, typing). */
  #broadcast(room: string, frame: string, extra: { exceptUserId?: number; volatile?: boolean } = {}): Promise<void> {
    return this.#broker.publish(roomTopic(room), { kind: 'room', room, seq: 0, frame, ...extra });
  }

  #relayTyping(mark: TypingMark): void {
    const frame = serialize({ type: 'typing', room: mark.room, user: mark.username, active: mark.active });
    this.#broadcast(mark.room, frame, { exceptUserId: mark.userId, volatile: true }).catch((error: unknown) => {
      this.#logger.warn({ err: error, room: mark.room }, 'typing relay failed');
    });
  }

  #broadcastReceipt(receipt: ReadReceipt): void {
    const frame = serialize({ type: 'receipt', room: receipt.room, user: receipt.username, seq: receipt.seq });
    this.#broadcast(receipt.room, frame).catch((error: unknown) => {
      this.#logger.warn({ err: error, room: receipt.room }, 'receipt broadcast failed');
    });
  }

  #publishStored(stored: readonly StoredMessage[]): void {
    this.#observer.messagesStored(stored.length);
    for (const message of stored) {
      const frame = messageFrame(message);
      this.#broker.publish(roomTopic(message.room), { kind: 'room', room: message.room, seq: message.seq, frame }).catch((error: unknown) => {
        // The message is stored and acknowledged: clients get it through resume or history.
        this.#logger.warn({ err: error, room: message.room, seq: message.seq }, 'publish failed');
      });
    }
  }

  readonly #channelDeps: RoomChannelDeps = {
    readAfter: async (roomId, afterSeq, limit) => {
      const page = await this.#store.history(roomId, { after: afterSeq, limit });
      return page.messages.map((message) => ({ seq: message.seq, frame: messageFrame(message) }));
    },
    deliver: (channel, event) => this.#deliverToSessions(channel, event),
    onRepair: (channel, outcome) => {
      if ('error' in outcome) this.#logger.error({ err: outcome.error, room: channel.key }, 'could not read missed messages from the store');
      else if (outcome.recovered > 0) this.#logger.info({ room: channel.key, recovered: outcome.recovered }, 'recovered messages the broker lost');
      this.#observer.gapRepair('error' in outcome ? -1 : outcome.recovered);
    },
  };

  /** Hands an in-order room event to the channel's local sessions. */
  #deliverToSessions(channel: RoomChannel, event: RoomBroadcast): void {
    let delivered = 0;
    for (const user of channel.members) {
      if (user.id === event.exceptUserId) continue;
      for (const session of user.sessions) if (session.deliver(event)) delivered++;
    }
    this.#observer.delivered(delivered);
  }

  // ---- what the engines tell the hub ----

  readonly #brokerHandler: BrokerHandler = {
    onMessage: (_topic: string, message: BrokerMessage) => {
      switch (message.kind) {
        case 'room':
          this.#channels.get(message.room)?.accept(message);
          return;
        case 'membership':
          this.#applyMembership(message, false).catch((error: unknown) => {
            this.#logger.warn({ err: error, room: message.room }, 'could not apply a membership change from another node');
          });
          return;
        case 'presence':
          this.#deliverPresence(message);
          return;
      }
    },
    onReconnect: () => {
      this.#logger.warn({ rooms: this.#channels.size }, 'broker reconnected: reading what was missed meanwhile from the store');
      for (const channel of this.#channels.values()) channel.resync();
    },
  };

  readonly #presenceHandler: PresenceHandler = {
    onPresenceChange: (userId, status) => {
      // Announced once across nodes: the one transition that really took the user offline.
      if (status === 'offline') this.#lastSeen.record(userId, this.#clock());
      void this.#announcePresence(userId, status).catch((error: unknown) => {
        this.#logger.warn({ err: error, userId }, 'presence announcement failed');
      });
    },
    onAvailabilityChange: (userId, availability) => {
      this.#availability.push(String(userId), { userId, availability });
    },
  };

  #deliverPresence(change: PresenceChange): void {
    const recipients = new Set<LocalUser>();
    for (const room of change.rooms) {
      const channel = this.#channels.get(room);
      if (channel === undefined) continue;
      for (const user of channel.members) if (user.id !== change.userId) recipients.add(user);
    }
    const self = change.self === true ? this.#users.get(change.userId) : undefined;
    if (self !== undefined) recipients.add(self);
    if (recipients.size === 0) return;
    // Volatile: a status is worth little late, and a reconnect storm must not queue them.
    const { username: user, status, availability } = change;
    const frame = serialize(
      status === 'online' && availability !== undefined ? { type: 'presence', user, status, availability } : { type: 'presence', user, status },
    );
    for (const user of recipients) for (const session of user.openSessions()) session.sendVolatile(frame);
  }

  /**
   * Tells the members of the user's small rooms (see `presenceRoomSize`) of a status change;
   * "online" carries the user's availability.
   */
  async #announcePresence(userId: number, status: 'online' | 'offline'): Promise<void> {
    const username = this.#users.get(userId)?.username ?? (await this.#store.findUserById(userId))?.username;
    if (username === undefined) return;
    const rooms = await this.#store.listSmallRooms(userId, this.#options.presenceRoomSize);
    if (rooms.length === 0) return;
    if (status === 'offline') {
      await this.#broker.publish(PRESENCE_TOPIC, { kind: 'presence', userId, username, status, rooms });
      return;
    }
    const availability = (await this.#presence.statuses([userId])).get(userId);
    if (availability === undefined) return; // offline again already: that announcement follows
    await this.#broker.publish(PRESENCE_TOPIC, { kind: 'presence', userId, username, status, availability, rooms });
  }

  /**
   * An online user's availability changed: their small rooms' members hear it as a `presence`
   * event, and so do the user's own sessions on every node (their other devices follow).
   */
  #announceAvailability(userId: number): void {
    void (async () => {
      const availability = (await this.#presence.statuses([userId])).get(userId);
      if (availability === undefined) return; // went offline meanwhile: nothing to tell
      const username = this.#users.get(userId)?.username ?? (await this.#store.findUserById(userId))?.username;
      if (username === undefined) return;
      const rooms = await this.#store.listSmallRooms(userId, this.#options.presenceRoomSize);
      await this.#broker.publish(PRESENCE_TOPIC, { kind: 'presence', userId, username, status: 'online', availability, self: true, rooms });
    })().catch((error: unknown) => {
      this.#logger.warn({ err: error, userId }, 'availability announcement failed');
    });
  }
}
