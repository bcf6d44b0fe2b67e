/**
 * The app's state and everything that changes it: one HubbubClient (reconnection, resume,
 * dedup, the send queue and token renewal live in the SDK), the rooms with their messages,
 * unread counts, receipts, typing and presence. Views subscribe and re-render on `changed`.
 */
import type { Message } from '../../src/protocol/events.js';
import type { ActivityEntry, RoomSummary } from '../../src/protocol/http.js';
import { dmParticipants, dmRoomKey, isDmRoomKey } from '../../src/protocol/names.js';
import type { ConnectionState } from '../../src/client/client-events.js';
import { HubbubError } from '../../src/client/errors.js';
import type { DirectoryPage, DirectoryQuery, UserMatch } from '../../src/client/http-client.js';
import { HubbubClient } from '../../src/client/hubbub-client.js';
import type { SendUpdate } from '../../src/client/send-queue.js';
import { TypingSender, TypingTracker } from '../../src/client/typing-tracker.js';
import type { Availability } from '../../src/protocol/availability.js';
import { Drafts } from './drafts.js';
import { HiddenConversations } from './hidden-conversations.js';
import { NoSuchUserError, isNotFound, roomExists, userExists } from './name-checks.js';
import { activityWindow, loadActivity, liveActivity } from './room-activity.js';
import { presenceState, type PresenceState } from './presence-state.js';
import { clearUnsent, loadUnsent, saveUnsent, type UnsentMessage } from './unsent.js';
import { refreshAcrossTabs, updateSession, type StoredSession } from './session.js';

export type Presence = 'online' | 'offline';
export type Visibility = RoomSummary['visibility'];

export interface RoomEntry {
  readonly room: string;
  visibility: Visibility;
  member: boolean;
  /** A direct conversation opened here that has no message yet: listed until the user leaves it empty. */
  started: boolean;
  /** When `member` last became true (ms since the epoch): see the welcome handler. */
  memberSince: number;
  lastSeq: number;
  /** My read position: sent to the server (or learnt from it). */
  readSeq: number;
  /** The newest message the user has had on screen here (it becomes the read position). */
  seenSeq: number;
  unread: number;
  /** Loaded messages, ascending by seq, each once. */
  messages: Message[];
  /** Joins and leaves placed among the loaded messages, in conversation order (see room-activity.ts). */
  activity: ActivityEntry[];
  hasMoreBefore: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  /** The "new messages" marker: messages after this seq were unread when the room was opened. */
  markerSeq: number | undefined;
  /** Other members' read positions, from live receipts. */
  receipts: Map<string, number>;
  typing: readonly string[];
  members: { username: string; status: Presence; availability?: Availability | undefined }[] | undefined;
}

/** One of my messages the server has not acknowledged yet (or that failed). */
export interface OutgoingEntry {
  readonly clientMsgId: string;
  readonly room: string;
  /** The partner, for a message that starts a direct conversation (sent by username). */
  readonly to?: string | undefined;
  readonly text: string;
  readonly ts: string;
  status: 'pending' | 'failed';
  error: string | undefined;
  /** False for a failure that sending again cannot mend (the recipient does not exist). */
  retriable?: boolean;
}

const PAGE = 50;

/**
 * Unread messages of a room once the read position moves to `readSeq`: counted among the
 * loaded messages when they reach back to it, otherwise the known count less those now read.
 */
export function unreadAfter(entry: Pick<RoomEntry, 'messages' | 'readSeq' | 'unread'>, readSeq: number, me: string): number {
  const others = (m: Message): boolean => m.from.toLowerCase() !== me.toLowerCase();
  const first = entry.messages[0]?.seq;
  if (first !== undefined && first <= readSeq + 1) return entry.messages.filter((m) => m.seq > readSeq && others(m)).length;
  const nowRead = entry.messages.filter((m) => m.seq > entry.readSeq && m.seq <= readSeq && others(m)).length;
  return Math.max(0, entry.unread - nowRead);
}

export class ChatStore {
  readonly me: string;
  readonly client: HubbubClient;
  readonly rooms = new Map<string, RoomEntry>();
  readonly presence = new Map<string, Presence>();
  /** The availability of online users (lower-case names), as presence carries it. */
  readonly availabilities = new Map<string, Availability>();
  /** My own availability (the status menu); `dnd` keeps notifications silent. */
  availability: Availability = 'active';
  readonly outgoing = new Map<string, OutgoingEntry>();
  /** Rooms whose sends the server's rate limit holds, with when the next one goes (ms since the epoch). */
  readonly pacing = new Map<string, number>();
  /** Direct conversations hidden from the sidebar (they cannot be left). */
  readonly hidden: HiddenConversations;
  /** What the user typed and has not sent yet, per room. */
  readonly drafts: Drafts;
  /** Rooms the server said do not exist (opened by a link or a typed name): see `join`. */
  readonly missing = new Set<string>();
  connection: ConnectionState = { status: 'idle' };
  active: string | undefined;
  /** A short message for the user (an action failed). */
  notice: string | undefined;
  /** Set when the login is gone; the app shows the sign-in screen with this reason. */
  signedOut: string | undefined;
  /** Changes with every update: views compare it to know they must re-render. */
  version = 0;

  readonly #listeners = new Set<() => void>();
  readonly #liveListeners = new Set<(message: Message) => void>();
  /** Per room, the last seq the latest welcome reported: a resume replays up to it, no further. */
  readonly #welcomeSeqs = new Map<string, number>();
  readonly #typingIn = new TypingTracker((room, users) => {
    const entry = this.rooms.get(room);
    if (entry === undefined) return;
    entry.typing = users;
    this.#changed();
  });
  readonly #typingOut = new Map<string, TypingSender>();
  #readTimer: number | undefined;
  readonly #membersTimers = new Map<string, number>();
  #noticeTimer: number | undefined;
  #visible = true;
  /** When the current connection attempt began (ms since the epoch). */
  #connectingSince = 0;
  /** Every clientMsgId this tab created or took over from storage (see saveUnsent). */
  readonly #knownUnsent = new Set<string>();
  #stopped = false;
  readonly #onBeforeUnload = (event: BeforeUnloadEvent): void => {
    // Unsent messages are kept for the next visit, but the user should know they are not sent.
    if (this.outgoing.size === 0) return;
    event.preventDefault();
    event.returnValue = '';
  };

  constructor(session: StoredSession) {
    this.me = session.username;
    this.client = new HubbubClient({
      url: location.origin,
      credentials: { accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: session.expiresAt },
      refresh: refreshAcrossTabs,
      backoff: { baseMs: 1000, maxMs: 30_000 },
    });
    this.hidden = new HiddenConversations(this.me, () => this.#changed());
    this.drafts = new Drafts(this.me);
    this.#wire();
    this.#restoreUnsent();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls `listener` with each message that arrives live, after the store took it in: never one
   * replayed after a reconnect (at or below the seq the welcome reported) nor history. Mine
   * included (from this tab or another device). For sounds and notifications.
   */
  onLiveMessage(listener: (message: Message) => void): () => void {
    this.#liveListeners.add(listener);
    return () => this.#liveListeners.delete(listener);
  }

  start(): void {
    addEventListener('beforeunload', this.#onBeforeUnload);
    this.client.start();
    void this.refreshRooms();
  }

  /** Stops the client; `forgetUnsent` (signing out) also drops the messages and drafts kept for the next visit. */
  stop(options: { forgetUnsent?: boolean } = {}): void {
    this.#stopped = true;
    removeEventListener('beforeunload', this.#onBeforeUnload);
    if (options.forgetUnsent === true) {
      clearUnsent(this.me);
      this.drafts.clear();
    }
    this.client.close();
    this.hidden.dispose();
    this.drafts.dispose();
    for (const sender of this.#typingOut.values()) sender.stop();
    this.#typingIn.reset();
  }

  // ── Queries ───────────────────────────────────────────────────────────────────────────────

  /** The name a room is shown by: `# general`, or the other person of a conversation. */
  title(room: string): string {
    return this.dmPartner(room) ?? room;
  }

  /** The other participant of a direct conversation (undefined for rooms). */
  dmPartner(room: string): string | undefined {
    const pair = dmParticipants(room);
    if (pair === undefined) return undefined;
    const me = this.me.toLowerCase();
    return pair[0] === me ? pair[1] : pair[0];
  }

  presenceOf(username: string): Presence {
    return this.presence.get(username.toLowerCase()) ?? 'offline';
  }

  /** Online (active), away, do not disturb or offline: what a presence dot shows. */
  presenceState(username: string): PresenceState {
    const key = username.toLowerCase();
    if (key === this.me.toLowerCase()) return this.connection.status === 'open' ? presenceState('online', this.availability) : 'offline';
    return presenceState(this.presenceOf(username), this.availabilities.get(key));
  }

  /** Whether I chose "do not disturb": notifications stay silent. */
  get doNotDisturb(): boolean {
    return this.availability === 'dnd';
  }

  /** Sets my availability (every device and my rooms follow); shown at once, undone on failure. */
  async setAvailability(availability: Availability): Promise<void> {
    const before = this.availability;
    this.availability = availability;
    this.#changed();
    try {
      await this.client.setAvailability(availability);
    } catch (error) {
      this.availability = before;
      this.#report(error);
    }
  }

  /** When the next message of a room goes out while the rate limit holds it; undefined when it does not. */
  pacedUntil(room: string): number | undefined {
    const until = this.pacing.get(room);
    return until !== undefined && until > Date.now() ? until : undefined;
  }

  /** My pending and failed messages of a room, oldest first. */
  outgoingIn(room: string): OutgoingEntry[] {
    return [...this.outgoing.values()].filter((entry) => entry.room === room);
  }

  /** Rooms I am in and the conversations I have not hidden, by kind, sorted by name. */
  myRooms(): { rooms: RoomEntry[]; direct: RoomEntry[] } {
    const mine = [...this.rooms.values()].filter((entry) => (entry.member || entry.started) && !this.isHidden(entry));
    const byName = (a: RoomEntry, b: RoomEntry): number => this.title(a.room).localeCompare(this.title(b.room));
    return {
      rooms: mine.filter((entry) => entry.visibility !== 'dm').sort(byName),
      direct: mine.filter((entry) => entry.visibility === 'dm').sort(byName),
    };
  }

  /** True for a direct conversation the user hid, with nothing new in it since. */
  isHidden(entry: RoomEntry): boolean {
    return entry.visibility === 'dm' && this.hidden.isHidden(entry.room, entry.lastSeq);
  }

  /** Unread messages in the sidebar's rooms, except the one on screen (for the page title). */
  unreadTotal(): number {
    const { rooms, direct } = this.myRooms();
    return [...rooms, ...direct].reduce((sum, entry) => sum + (entry.room === this.active ? 0 : entry.unread), 0);
  }

  /** A page of the public room directory (every public room, joined or not; `q` filters by name). */
  directory(query: DirectoryQuery): Promise<DirectoryPage> {
    return this.client.api((http) => http.directory(query));
  }

  /** Users whose name starts with `q` (any case), by name: for autocompletion. */
  searchUsers(q: string, limit: number): Promise<UserMatch[]> {
    return this.client.api((http) => http.searchUsers(q, limit));
  }

  /** Whether a room with this key exists (see name-checks.ts). */
  roomExists(room: string): Promise<boolean> {
    return roomExists(this.client, room);
  }

  /** Who has read up to each message: for each other reader, the last loaded message they saw. */
  seenBy(entry: RoomEntry): Map<number, string[]> {
    const result = new Map<number, string[]>();
    for (const [user, seq] of entry.receipts) {
      const reader = user.toLowerCase();
      if (reader === this.me.toLowerCase()) continue;
      // Under the last message the reader has seen and did not write: under their own it says nothing.
      let at: number | undefined;
      for (const m of entry.messages) if (m.seq <= seq && m.from.toLowerCase() !== reader) at = m.seq;
      if (at === undefined) continue;
      result.set(at, [...(result.get(at) ?? []), user]);
    }
    return result;
  }

  // ── Actions ───────────────────────────────────────────────────────────────────────────────

  async refreshRooms(): Promise<void> {
    try {
      const rooms = await this.client.api((http) => http.rooms());
      for (const summary of rooms) this.#upsertSummary(summary);
      this.#changed();
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Opens a room: loads its newest page, places the unread marker, fetches who is in it. A
   * direct conversation I am not in yet (a link, a typed address) opens only with someone who
   * exists: see `startDirect`.
   */
  async open(room: string): Promise<void> {
    const partner = this.dmPartner(room);
    if (partner !== undefined && this.rooms.get(room)?.member !== true) {
      await this.startDirect(partner).catch((error: unknown) => this.#report(error));
      return;
    }
    await this.#show(room);
  }

  async #show(room: string): Promise<void> {
    this.#typingOut.get(this.active ?? '')?.stop();
    this.#forgetIfEmpty(this.active, room);
    this.active = room;
    // Opening a hidden conversation (from a name, "new message", a link) brings it back.
    this.hidden.show(room);
    const entry = this.#entry(room, isDmRoomKey(room) ? 'dm' : 'public');
    entry.markerSeq = entry.lastSeq > entry.readSeq && entry.unread > 0 ? entry.readSeq : undefined;
    this.#changed();
    if (!entry.loaded) await this.#loadLatest(entry);
    void this.#loadMembers(entry);
    this.markReadSoon();
  }

  /** Back to the room list (phones) or the welcome pane. */
  closeRoom(): void {
    this.stoppedTyping();
    this.#forgetIfEmpty(this.active, undefined);
    this.active = undefined;
    this.#changed();
  }

  async loadOlder(room: string): Promise<void> {
    const entry = this.rooms.get(room);
    if (entry === undefined || !entry.loaded || !entry.hasMoreBefore || entry.loadingOlder) return;
    const first = entry.messages[0]?.seq;
    if (first === undefined) return;
    entry.loadingOlder = true;
    this.#changed();
    try {
      const page = await this.client.history(room, { before: first, limit: PAGE });
      // The page's joins and leaves come with it, so the view grows once.
      await loadActivity(this.client, entry, activityWindow(page.messages, page.hasMore, first));
      this.#merge(entry, page.messages);
      entry.hasMoreBefore = page.hasMore;
    } catch (error) {
      this.#report(error);
    } finally {
      entry.loadingOlder = false;
      this.#changed();
    }
  }

  /** Loads older pages until `seq` is loaded (to jump to the first unread message). */
  async loadUntil(room: string, seq: number): Promise<void> {
    const entry = this.rooms.get(room);
    while (entry !== undefined && entry.hasMoreBefore && (entry.messages[0]?.seq ?? 0) > seq) {
      const before = entry.messages.length;
      await this.loadOlder(room);
      if (entry.messages.length === before) break;
    }
  }

  send(text: string): void {
    const room = this.active;
    if (room === undefined) return;
    const entry = this.rooms.get(room);
    const partner = this.dmPartner(room);
    this.#typingOut.get(room)?.stop();
    // A conversation that does not exist yet is created by sending to the person.
    const to = partner !== undefined && entry !== undefined && !entry.member ? partner : undefined;
    const outgoing = to !== undefined ? this.client.sendDirect(to, text) : this.client.send(room, text);
    this.#knownUnsent.add(outgoing.clientMsgId);
    this.outgoing.set(outgoing.clientMsgId, { clientMsgId: outgoing.clientMsgId, room, to, text, ts: new Date().toISOString(), status: 'pending', error: undefined });
    this.#persistUnsent();
    this.#changed();
  }

  /** Queues the messages an earlier visit left unsent, in order, with their ids (the server dedups). */
  #restoreUnsent(): void {
    for (const m of loadUnsent(this.me)) {
      if (this.outgoing.has(m.clientMsgId)) continue;
      this.#knownUnsent.add(m.clientMsgId);
      if (m.to !== undefined) this.client.sendDirect(m.to, m.text, { clientMsgId: m.clientMsgId });
      else this.client.send(m.room, m.text, { clientMsgId: m.clientMsgId });
      this.outgoing.set(m.clientMsgId, { clientMsgId: m.clientMsgId, room: m.room, to: m.to, text: m.text, ts: m.ts, status: 'pending', error: undefined });
    }
  }

  /** Keeps this tab's unsent messages in localStorage for the next visit. */
  #persistUnsent(): void {
    if (this.#stopped) return;
    const mine = [...this.outgoing.values()].map((o): UnsentMessage => ({ clientMsgId: o.clientMsgId, room: o.room, ...(o.to === undefined ? {} : { to: o.to }), text: o.text, ts: o.ts }));
    saveUnsent(this.me, mine, this.#knownUnsent);
  }

  retry(clientMsgId: string): void {
    const entry = this.outgoing.get(clientMsgId);
    if (entry === undefined) return;
    entry.status = 'pending';
    entry.error = undefined;
    this.client.retry(clientMsgId);
    this.#changed();
  }

  discard(clientMsgId: string): void {
    this.client.discard(clientMsgId);
    this.outgoing.delete(clientMsgId);
    this.#persistUnsent();
    this.#changed();
  }

  /** A keystroke in the composer of the active room. */
  typed(): void {
    const room = this.active;
    if (room === undefined || this.rooms.get(room)?.member !== true) return;
    let sender = this.#typingOut.get(room);
    if (sender === undefined) this.#typingOut.set(room, (sender = new TypingSender((active) => this.client.typing(room, active))));
    sender.input();
  }

  stoppedTyping(): void {
    if (this.active !== undefined) this.#typingOut.get(this.active)?.stop();
  }

  async createRoom(name: string, visibility: 'public' | 'private'): Promise<void> {
    const summary = await this.client.api((http) => http.createRoom(name, visibility));
    this.#upsertSummary(summary);
    // Creating over HTTP makes me a member; the live socket follows at once (membership is
    // persistent), but joining over the socket also tells the SDK where the room starts.
    await this.client.join(name).catch(() => undefined);
    await this.open(name);
  }

  /**
   * Joins a room. A room that does not exist is not created (the server would create it, public
   * for everyone, from a typo): it is shown as missing instead, where creating it is a separate,
   * confirmed step (`createPublicRoom`).
   */
  async join(room: string): Promise<void> {
    const seen = this.rooms.get(room);
    const known = seen !== undefined && (seen.member || (seen.loaded && !this.missing.has(room)));
    if (!known && !isDmRoomKey(room) && !(await this.roomExists(room))) {
      this.missing.add(room);
      await this.open(room);
      return;
    }
    const ack = await this.client.join(room);
    const entry = this.#entry(room, 'public');
    this.#becameMember(entry);
    entry.lastSeq = Math.max(entry.lastSeq, ack.lastSeq ?? 0);
    entry.readSeq = Math.max(entry.readSeq, entry.lastSeq);
    await this.open(room);
  }

  /**
   * Creates a public room the user confirmed they want (a missing room's page, the directory's
   * offer); one created meanwhile by someone else is joined instead.
   */
  async createPublicRoom(room: string): Promise<void> {
    try {
      await this.createRoom(room, 'public');
    } catch (error) {
      if (!(error instanceof HubbubError) || error.code !== 'conflict') throw error;
      this.missing.delete(room);
      await this.join(room);
    }
  }

  /** Leaves a room; a failure shows as a notice. A direct conversation cannot be left: see `hide`. */
  async leave(room: string): Promise<void> {
    if (isDmRoomKey(room)) {
      this.#report(new Error('A direct conversation cannot be left; hide it instead.'));
      return;
    }
    try {
      await this.client.leave(room);
    } catch (error) {
      this.#report(error);
      return;
    }
    this.#dropMembership(room);
    this.#changed();
  }

  /**
   * Hides a direct conversation from the sidebar until a new message arrives in it (or the user
   * opens it again); if it is on screen, another room takes its place. It is marked read: the
   * user put it away, and when it comes back its badge counts only what is new.
   */
  hide(room: string): void {
    const entry = this.rooms.get(room);
    if (entry === undefined || entry.visibility !== 'dm') return;
    this.hidden.hide(room, entry.lastSeq);
    entry.unread = 0;
    if (entry.member && entry.lastSeq > entry.readSeq) {
      entry.readSeq = entry.lastSeq;
      this.client.read(room, entry.lastSeq).catch(() => {
        // Best-effort, like every read position: the next read sends it again.
      });
    }
    if (this.active === room) this.#moveAway();
    this.#changed();
  }

  /** Adds someone to a room I am in; a name nobody has rejects with `NoSuchUserError`. */
  async invite(room: string, username: string): Promise<void> {
    await this.client.api((http) => http.invite(room, username)).catch((error: unknown) => {
      throw isNotFound(error) ? new NoSuchUserError(username) : error;
    });
    const entry = this.rooms.get(room);
    if (entry !== undefined) await this.#loadMembers(entry);
  }

  /**
   * Opens the conversation with `username` (created on the first message). Someone I have no
   * conversation with yet is looked up first: a name nobody has opens nothing and rejects with
   * `NoSuchUserError`.
   */
  async startDirect(username: string): Promise<void> {
    if (username.toLowerCase() === this.me.toLowerCase()) throw new Error('that is you');
    const room = dmRoomKey(this.me, username);
    if (this.rooms.get(room)?.member !== true && !(await userExists(this.client, username))) throw new NoSuchUserError(username);
    const entry = this.#entry(room, 'dm');
    if (!entry.member) {
      // Not a conversation yet: it starts with the first message (which also checks the name).
      // It is listed among the conversations already, as it is on screen.
      entry.loaded = true;
      entry.hasMoreBefore = false;
      entry.started = true;
    }
    await this.#show(room);
  }

  /**
   * Marks every room and conversation read up to its last message. One `read` after another:
   * a user in hundreds of rooms must not hit the server's limit of commands in flight.
   */
  async markAllRead(): Promise<void> {
    const behind = [...this.rooms.values()].filter((entry) => entry.member && (entry.unread > 0 || entry.lastSeq > entry.readSeq));
    for (const entry of behind) {
      entry.unread = 0;
      entry.readSeq = Math.max(entry.readSeq, entry.lastSeq);
    }
    this.#changed();
    for (const entry of behind) {
      if (entry.readSeq === 0) continue;
      try {
        await this.client.read(entry.room, entry.readSeq);
      } catch (error) {
        this.#report(error);
        return;
      }
    }
  }

  /** Marks the active room read up to its last message, when the user can see it. */
  markReadSoon(): void {
    if (this.#readTimer !== undefined) clearTimeout(this.#readTimer);
    this.#readTimer = window.setTimeout(() => this.#markRead(), 300);
  }

  setVisible(visible: boolean): void {
    this.#visible = visible;
    const entry = this.active === undefined ? undefined : this.rooms.get(this.active);
    if (!visible && entry !== undefined && entry.markerSeq === undefined) entry.markerSeq = entry.lastSeq;
    if (visible) this.markReadSoon();
    this.#changed();
  }

  /**
   * The newest message of `room` that is on screen now (the view reports it as the user
   * scrolls and as messages arrive). Only what a visible tab shows counts: the read position
   * follows what the user has actually had in front of them.
   */
  viewed(room: string, seq: number): void {
    const entry = this.rooms.get(room);
    if (entry === undefined || !this.#visible || this.active !== room || seq <= entry.seenSeq) return;
    entry.seenSeq = seq;
    if (seq > entry.readSeq) this.markReadSoon();
  }

  dismissNotice(): void {
    this.notice = undefined;
    this.#changed();
  }

  // ── Events from the SDK ──────────────────────────────────────────────────────────────────

  #wire(): void {
    const c = this.client;
    c.on('state', (state) => {
      const wasOpen = this.connection.status === 'open';
      if (state.status === 'connecting') this.#connectingSince = Date.now();
      this.connection = state;
      if (state.status === 'open' && !wasOpen) {
        void this.refreshRooms();
        const active = this.active === undefined ? undefined : this.rooms.get(this.active);
        if (active !== undefined) void this.#loadMembers(active);
        // Joins and leaves are not replayed on resume: read the loaded window's again.
        if (active?.loaded === true) void loadActivity(this.client, active, activityWindow(active.messages, active.hasMoreBefore, undefined)).then(() => this.#changed());
      }
      if (state.status !== 'open') this.#typingIn.reset();
      this.#changed();
    });
    c.on('welcome', (welcome) => {
      const listed = new Set(welcome.rooms.map((state) => state.room));
      this.#welcomeSeqs.clear();
      for (const state of welcome.rooms) this.#welcomeSeqs.set(state.room, state.lastSeq);
      // Rooms left while this tab was disconnected (in another tab, say): the welcome lists
      // every room of mine, so one it leaves out, and that I knew of before connecting, is gone.
      for (const entry of [...this.rooms.values()]) {
        if (entry.member && !listed.has(entry.room) && entry.memberSince < this.#connectingSince) this.#forgetRoom(entry.room);
      }
      for (const state of welcome.rooms) {
        const entry = this.#entry(state.room, isDmRoomKey(state.room) ? 'dm' : 'public');
        this.#becameMember(entry);
        entry.lastSeq = Math.max(entry.lastSeq, state.lastSeq);
        // Read positions only move forward: a `read` sent just before the reconnect may be newer.
        entry.unread = state.readSeq >= entry.readSeq ? state.unread : unreadAfter({ ...entry, unread: state.unread, readSeq: state.readSeq }, entry.readSeq, this.me);
        entry.readSeq = Math.max(entry.readSeq, state.readSeq);
        this.hidden.revealIfNewer(entry.room, entry.lastSeq);
      }
      if (this.active !== undefined && !this.rooms.has(this.active)) this.#moveAway();
      for (const user of welcome.online) this.presence.set(user.toLowerCase(), 'online');
      for (const [user, availability] of Object.entries(welcome.availabilities ?? {})) this.availabilities.set(user.toLowerCase(), availability);
      this.presence.set(this.me.toLowerCase(), 'online');
      this.availability = welcome.availability ?? 'active';
      this.#changed();
    });
    c.on('message', (message) => this.#onMessage(message));
    c.on('member', (event) => {
      if (event.user.toLowerCase() === this.me.toLowerCase()) {
        if (event.action === 'joined') void this.refreshRooms();
        else {
          // I left, in another tab or on another device: the room goes here too.
          this.#dropMembership(event.room);
          this.#changed();
          return;
        }
      }
      const entry = this.rooms.get(event.room);
      if (entry !== undefined) liveActivity(entry, event);
      if (entry?.members !== undefined) {
        entry.members = entry.members.filter((m) => m.username.toLowerCase() !== event.user.toLowerCase());
        if (event.action === 'joined') {
          entry.members.push({ username: event.user, status: this.presenceOf(event.user) });
          // The newcomer's presence is not announced again (they may have been online for a
          // while): ask the server who is online in the room.
          this.#loadMembersSoon(entry);
        }
      }
      this.#changed();
    });
    c.on('presence', (event) => {
      this.#presenceAvailability(event.user, event.status, event.availability);
      // My own availability, changed on another device.
      if (event.user.toLowerCase() === this.me.toLowerCase()) {
        if (event.availability !== undefined) this.availability = event.availability;
        this.#changed();
        return;
      }
      this.presence.set(event.user.toLowerCase(), event.status);
      for (const entry of this.rooms.values()) {
        for (const member of entry.members ?? []) {
          if (member.username.toLowerCase() !== event.user.toLowerCase()) continue;
          member.status = event.status;
          member.availability = event.availability;
        }
      }
      this.#changed();
    });
    c.on('typing', (event) => {
      if (event.user.toLowerCase() !== this.me.toLowerCase()) this.#typingIn.typing(event);
    });
    c.on('receipt', (event) => {
      const entry = this.rooms.get(event.room);
      if (entry === undefined) return;
      if (event.user.toLowerCase() === this.me.toLowerCase()) {
        // Read on another device (or this one): the badge follows.
        entry.readSeq = Math.max(entry.readSeq, event.seq);
        entry.unread = Math.max(0, Math.min(entry.unread, entry.lastSeq - entry.readSeq));
      } else {
        entry.receipts.set(event.user, Math.max(entry.receipts.get(event.user) ?? 0, event.seq));
      }
      this.#changed();
    });
    c.on('send', (update) => this.#onSend(update));
    c.on('pacing', (held) => {
      this.pacing.clear();
      for (const p of held) this.pacing.set(p.room ?? dmRoomKey(this.me, p.to ?? ''), p.until);
      this.#changed();
    });
    c.on('tokens', (credentials) => updateSession(this.me, credentials));
    c.on('authFailed', ({ error }) => {
      this.signedOut = error instanceof HubbubError && error.code === 'token_reused' ? 'Your session was ended. Please sign in again.' : 'Your session has expired. Please sign in again.';
      this.#changed();
    });
    document.addEventListener('visibilitychange', () => this.setVisible(document.visibilityState === 'visible'));
  }

  #onMessage(message: Message): void {
    const entry = this.#entry(message.room, isDmRoomKey(message.room) ? 'dm' : 'public');
    this.#becameMember(entry);
    // At or below the last seq a welcome or a listing reported, it is counted in their unread
    // already (a replay after a reconnect, or a listing that overtook the live message).
    const counted = message.seq <= entry.lastSeq;
    this.#merge(entry, [message]);
    entry.lastSeq = Math.max(entry.lastSeq, message.seq);
    // A new message brings a hidden conversation back.
    this.hidden.revealIfNewer(entry.room, entry.lastSeq);
    this.#typingIn.message(message);
    const mine = message.from.toLowerCase() === this.me.toLowerCase();
    if (mine) {
      if (this.outgoing.delete(message.clientMsgId)) this.#persistUnsent();
      // Not read by being mine: the read position moves (and is sent) when the view shows it.
      if (this.#isWatching(entry.room)) this.markReadSoon();
    } else {
      // Unread until the user has it on screen (the view reports that; see `viewed`).
      if (!counted && message.seq > entry.readSeq) entry.unread++;
      if (this.#isWatching(entry.room)) this.markReadSoon();
    }
    this.#changed();
    // Not `counted`: a room listing that overtook a live message also counts it, and it is live.
    const replayed = message.seq <= (this.#welcomeSeqs.get(message.room) ?? 0);
    if (!replayed) for (const listener of this.#liveListeners) listener(message);
  }

  #onSend(update: SendUpdate): void {
    const entry = this.outgoing.get(update.clientMsgId);
    if (update.status === 'sent' && update.ack !== undefined) {
      // The ack is the message: show it stored even before its echo arrives (which then dedups).
      const room = this.#entry(update.ack.room, isDmRoomKey(update.ack.room) ? 'dm' : 'public');
      this.#becameMember(room);
      this.#merge(room, [{ room: update.ack.room, seq: update.ack.seq, msgId: update.ack.msgId, from: this.client.user?.username ?? this.me, text: update.text, ts: update.ack.ts, clientMsgId: update.clientMsgId }]);
      room.lastSeq = Math.max(room.lastSeq, update.ack.seq);
      if (this.outgoing.delete(update.clientMsgId)) this.#persistUnsent();
    } else if (entry !== undefined) {
      entry.status = update.status === 'failed' ? 'failed' : 'pending';
      entry.error = update.error?.message;
      // A first message to a name nobody has: retrying cannot deliver it, so none is offered.
      const nobody = update.status === 'failed' && entry.to !== undefined && isNotFound(update.error);
      entry.retriable = !nobody;
      if (nobody) {
        const refusal = new NoSuchUserError(entry.to!);
        entry.error = refusal.message;
        // Said where the user is, too: the conversation may not be on screen.
        this.#report(refusal);
      }
    }
    this.#changed();
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────

  #entry(room: string, visibility: Visibility): RoomEntry {
    let entry = this.rooms.get(room);
    if (entry === undefined) {
      entry = {
        room,
        visibility,
        member: false,
        started: false,
        memberSince: 0,
        lastSeq: 0,
        readSeq: 0,
        seenSeq: 0,
        unread: 0,
        messages: [],
        activity: [],
        hasMoreBefore: true,
        loaded: false,
        loadingOlder: false,
        markerSeq: undefined,
        receipts: new Map(),
        typing: [],
        members: undefined,
      };
      this.rooms.set(room, entry);
    }
    return entry;
  }

  #upsertSummary(summary: RoomSummary): void {
    const entry = this.#entry(summary.room, summary.visibility);
    entry.visibility = summary.visibility;
    if (summary.member) this.#becameMember(entry);
    else entry.member = false;
    // A listing read before messages that have since arrived live must not wipe their count.
    const sawNewer = entry.lastSeq > summary.lastSeq;
    entry.lastSeq = Math.max(entry.lastSeq, summary.lastSeq);
    const newerHere = entry.readSeq > summary.readSeq;
    entry.readSeq = Math.max(entry.readSeq, summary.readSeq);
    // A read sent after the listing was made is newer than its count; so are messages that came live.
    entry.unread = newerHere ? Math.min(entry.unread, summary.unread) : sawNewer ? Math.max(entry.unread, summary.unread) : summary.unread;
    this.hidden.revealIfNewer(entry.room, entry.lastSeq);
  }

  #becameMember(entry: RoomEntry): void {
    this.missing.delete(entry.room);
    if (entry.member) return;
    entry.member = true;
    entry.memberSince = Date.now();
  }

  /**
   * I am no longer in `room` (left here, in another tab or device): it leaves the sidebar, its
   * loaded messages are forgotten (rejoining starts from the room's end, as the SDK does), and
   * if it was on screen another room takes its place.
   */
  #dropMembership(room: string): void {
    this.#forgetRoom(room);
    if (this.active === room) this.#moveAway();
  }

  /**
   * A conversation opened but never written in leaves the list when the user moves on, unless
   * a message for it is on its way or a draft waits in it.
   */
  #forgetIfEmpty(room: string | undefined, next: string | undefined): void {
    if (room === undefined || room === next) return;
    const entry = this.rooms.get(room);
    if (entry === undefined || entry.member || !entry.started) return;
    if (this.outgoingIn(room).length > 0 || this.drafts.get(room) !== '') return;
    entry.started = false;
  }

  #forgetRoom(room: string): void {
    this.#typingOut.get(room)?.stop();
    this.#typingOut.delete(room);
    this.rooms.delete(room);
  }

  /** Opens the first room of the sidebar, or the welcome pane when there is none. */
  #moveAway(): void {
    const { rooms, direct } = this.myRooms();
    const next = (rooms[0] ?? direct[0])?.room;
    this.active = undefined;
    if (next !== undefined) void this.open(next);
  }

  /** Adds messages by seq: each seq once, ascending. */
  #merge(entry: RoomEntry, messages: readonly Message[]): void {
    const bySeq = new Map(entry.messages.map((m) => [m.seq, m]));
    let added = 0;
    for (const message of messages) {
      if (bySeq.has(message.seq)) continue;
      bySeq.set(message.seq, message);
      added++;
    }
    if (added === 0) return;
    entry.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  async #loadLatest(entry: RoomEntry): Promise<void> {
    try {
      const page = await this.client.history(entry.room, { limit: PAGE });
      await loadActivity(this.client, entry, activityWindow(page.messages, page.hasMore, undefined));
      this.#merge(entry, page.messages);
      entry.hasMoreBefore = page.hasMore;
      entry.loaded = true;
      const last = page.messages.at(-1)?.seq;
      if (last !== undefined) entry.lastSeq = Math.max(entry.lastSeq, last);
    } catch (error) {
      // A conversation that does not exist yet has no history: it starts with the first message.
      if (error instanceof HubbubError && (error.code === 'not_found' || error.code === 'forbidden') && entry.visibility === 'dm') {
        entry.loaded = true;
        entry.hasMoreBefore = false;
      } else if (isNotFound(error) && !entry.member) {
        // A room that does not exist (a link, a typed address): its page says so.
        this.missing.add(entry.room);
        entry.loaded = true;
        entry.hasMoreBefore = false;
      } else {
        this.#report(error);
      }
    } finally {
      this.#changed();
    }
  }

  async #loadMembers(entry: RoomEntry): Promise<void> {
    if (!entry.member && entry.visibility !== 'public') return;
    try {
      const members = await this.client.api((http) => http.members(entry.room));
      entry.members = members;
      for (const member of members) {
        this.presence.set(member.username.toLowerCase(), member.status);
        this.#presenceAvailability(member.username, member.status, member.availability);
      }
      this.#changed();
    } catch {
      // Presence is a nicety: the list stays as it was.
    }
  }

  #loadMembersSoon(entry: RoomEntry): void {
    const pending = this.#membersTimers.get(entry.room);
    if (pending !== undefined) clearTimeout(pending);
    this.#membersTimers.set(
      entry.room,
      window.setTimeout(() => {
        this.#membersTimers.delete(entry.room);
        void this.#loadMembers(entry);
      }, 150),
    );
  }

  /** Keeps a user's availability while online; an offline user has none. */
  #presenceAvailability(username: string, status: Presence, availability: Availability | undefined): void {
    const key = username.toLowerCase();
    if (status === 'online' && availability !== undefined) this.availabilities.set(key, availability);
    else if (status === 'offline') this.availabilities.delete(key);
  }

  #isWatching(room: string): boolean {
    return this.active === room && this.#visible;
  }

  /** Moves the active room's read position to the newest message the user has seen there. */
  #markRead(): void {
    const entry = this.active === undefined ? undefined : this.rooms.get(this.active);
    if (entry === undefined || !entry.member || !this.#visible) return;
    const seen = Math.min(entry.seenSeq, entry.lastSeq);
    if (seen <= entry.readSeq) return;
    entry.unread = unreadAfter(entry, seen, this.me);
    entry.readSeq = seen;
    this.#changed();
    this.client.read(entry.room, seen).catch(() => {
      // Best-effort: the next message read sends the position again.
    });
  }

  #report(error: unknown): void {
    this.notice = error instanceof Error ? error.message : String(error);
    if (this.#noticeTimer !== undefined) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = window.setTimeout(() => this.dismissNotice(), 6000);
    this.#changed();
  }

  #changed(): void {
    this.version++;
    for (const listener of this.#listeners) listener();
  }
}
