/**
 * The decision behind every chime and desktop notification: given a message that just arrived
 * live (never a replay after a reconnect, never history), and where the user is looking, what
 * to play or show. Pure logic with its inputs passed in, so it is unit-tested without a
 * browser; `notification-center.ts` feeds it from the store and the page.
 */

/** A message as the notifier needs it. */
export interface IncomingMessage {
  readonly room: string;
  readonly from: string;
  readonly text: string;
}

/** Where the user's attention is when a message arrives. */
export interface Attention {
  /** The room or conversation on screen, if any. */
  readonly openRoom: string | undefined;
  /** The tab is shown (not in the background, not minimised). */
  readonly visible: boolean;
  /** The window has the keyboard focus. */
  readonly focused: boolean;
}

/** A desktop notification to show: one per conversation (`tag`), so a burst replaces rather than stacks. */
export interface DesktopNotice {
  /** The sender's name. */
  readonly title: string;
  /** The message text, plain and shortened. */
  readonly body: string;
  /** The room: a newer notice of the same conversation replaces the older one. */
  readonly tag: string;
  readonly room: string;
}

/** What `Notifier.handle` did, for tests and for nobody else. */
export interface NotifyOutcome {
  readonly sound: boolean;
  readonly notification: boolean;
}

/** What a `Notifier` reads and drives. */
export interface NotifierOptions {
  /** The signed-in user's name: their own messages (from any tab or device) never notify. */
  readonly me: string;
  /** True for a direct conversation (for now only those notify; mentions come later). */
  readonly isDirect: (room: string) => boolean;
  readonly isMuted: (room: string) => boolean;
  readonly attention: () => Attention;
  /** The user's "play a sound" setting. */
  readonly soundOn: () => boolean;
  /** Desktop notifications are wanted and the browser allows them. */
  readonly desktopOn: () => boolean;
  readonly playSound: () => void;
  readonly showNotification: (notice: DesktopNotice) => void;
  /**
   * Silences sounds and notifications while true (do-not-disturb); default never. Unread
   * badges still count.
   */
  readonly quiet?: () => boolean;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

/** At most one chime per this many milliseconds, however many messages arrive. */
export const SOUND_INTERVAL_MS = 2000;
/** The longest notification body, in characters (an ellipsis marks the cut). */
export const MAX_NOTIFICATION_BODY = 140;

/** Decides, for each live message, whether to chime and whether to show a desktop notification. */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #now: () => number;
  #lastSound = Number.NEGATIVE_INFINITY;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Plays and shows what `message` calls for. */
  handle(message: IncomingMessage): NotifyOutcome {
    const o = this.#options;
    const none = { sound: false, notification: false };
    if (message.from.toLowerCase() === o.me.toLowerCase()) return none;
    if (!o.isDirect(message.room) || o.isMuted(message.room) || (o.quiet?.() ?? false)) return none;
    const attention = o.attention();
    const onScreen = attention.visible && attention.openRoom === message.room;

    let sound = false;
    if (!onScreen && o.soundOn()) {
      const now = this.#now();
      if (now - this.#lastSound >= SOUND_INTERVAL_MS) {
        this.#lastSound = now;
        o.playSound();
        sound = true;
      }
    }

    let notification = false;
    if ((!attention.visible || !attention.focused) && o.desktopOn()) {
      o.showNotification({ title: message.from, body: notificationBody(message.text), tag: message.room, room: message.room });
      notification = true;
    }
    return { sound, notification };
  }
}

/** A message text as a notification body: whitespace runs as one space, at most `MAX_NOTIFICATION_BODY` characters. */
export function notificationBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= MAX_NOTIFICATION_BODY) return flat;
  // Cut between code points, not inside a surrogate pair.
  const cut = Array.from(flat).slice(0, MAX_NOTIFICATION_BODY - 1).join('');
  return `${cut.trimEnd()}…`;
}
