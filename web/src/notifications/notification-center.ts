/**
 * Notifications for one signed-in session: the chime, desktop notifications, per-room mute and
 * the unread count on the favicon, fed from the store's live messages. The views reach it
 * through `NotificationsContext` (see `use-notifications.ts`).
 */
import type { Message } from '../../../src/protocol/events.js';
import type { ChatStore } from '../chat-store.js';
import { closeDesktopNotification, desktopPermission, requestDesktopPermission, showDesktopNotification, type DesktopPermission } from './desktop.js';
import { FaviconBadge } from './favicon-badge.js';
import { MutedRooms } from './muted-rooms.js';
import { NotificationSettings, type NotificationPrefs } from './notification-settings.js';
import { Notifier } from './notifier.js';
import { playChime, unlockSoundOnGesture } from './sound.js';

/** What the app hands the notification center. */
export interface NotificationCenterOptions {
  /** Opens a conversation: a click on its desktop notification. */
  readonly open: (room: string) => void;
  /** Silences sounds and notifications while true (do-not-disturb); default never. */
  readonly quiet?: () => boolean;
}

export class NotificationCenter {
  readonly #store: ChatStore;
  readonly #muted: MutedRooms;
  readonly #settings: NotificationSettings;
  readonly #favicon = new FaviconBadge();
  readonly #listeners = new Set<() => void>();
  readonly #disposers: (() => void)[] = [];

  constructor(store: ChatStore, options: NotificationCenterOptions) {
    this.#store = store;
    this.#muted = new MutedRooms(store.me, () => this.#changed());
    this.#settings = new NotificationSettings(store.me, () => this.#changed());
    const notifier = new Notifier({
      me: store.me,
      isDirect: (room) => store.rooms.get(room)?.visibility === 'dm',
      isMuted: (room) => this.#muted.isMuted(room),
      attention: () => ({ openRoom: store.active, visible: document.visibilityState === 'visible', focused: document.hasFocus() }),
      soundOn: () => this.#settings.prefs.sound,
      desktopOn: () => this.#settings.prefs.desktop && desktopPermission() === 'granted',
      playSound: playChime,
      showNotification: (notice) => showDesktopNotification(notice, options.open),
      ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
    });
    this.#disposers.push(
      store.onLiveMessage((message: Message) => notifier.handle(message)),
      // A conversation on screen is being read: its notification has done its job.
      store.subscribe(() => {
        if (store.active !== undefined && document.visibilityState === 'visible') closeDesktopNotification(store.active);
      }),
      unlockSoundOnGesture(),
      () => this.#muted.dispose(),
      () => this.#settings.dispose(),
      () => this.#favicon.dispose(),
    );
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isMuted(room: string): boolean {
    return this.#muted.isMuted(room);
  }

  setMuted(room: string, muted: boolean): void {
    this.#muted.set(room, muted);
    this.#changed();
  }

  get prefs(): NotificationPrefs {
    return this.#settings.prefs;
  }

  setSound(on: boolean): void {
    this.#settings.update({ sound: on });
    this.#changed();
  }

  /** What the browser allows now (the user may change it in the browser at any time). */
  permission(): DesktopPermission {
    return desktopPermission();
  }

  /** Asks the browser (call from a click) and turns desktop notifications on if it agrees. */
  async enableDesktop(): Promise<DesktopPermission> {
    const permission = await requestDesktopPermission();
    this.#settings.update({ desktop: permission === 'granted' });
    this.#changed();
    return permission;
  }

  disableDesktop(): void {
    this.#settings.update({ desktop: false });
    this.#changed();
  }

  /** Unread messages of the sidebar's rooms, except the one on screen and muted ones: for the title and favicon. */
  unreadTotal(): number {
    const { rooms, direct } = this.#store.myRooms();
    return [...rooms, ...direct].reduce((sum, entry) => sum + (entry.room === this.#store.active || this.isMuted(entry.room) ? 0 : entry.unread), 0);
  }

  /** Puts `count` on the favicon (redrawn only when it changed). */
  showOnFavicon(count: number): void {
    this.#favicon.set(count);
  }

  dispose(): void {
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
