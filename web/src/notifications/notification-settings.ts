/**
 * The user's notification settings: chime on or off, desktop notifications wanted or not. Kept
 * per user in localStorage and followed across tabs (the `storage` event). Whether the browser
 * allows desktop notifications is the browser's to say: see `desktop.ts`.
 */

/** The settings as stored. */
export interface NotificationPrefs {
  /** A chime for new direct messages that are not on screen. On unless turned off. */
  readonly sound: boolean;
  /** Desktop notifications, once the user turned them on (and the browser allowed them). */
  readonly desktop: boolean;
}

const DEFAULTS: NotificationPrefs = { sound: true, desktop: false };

export class NotificationSettings {
  readonly #key: string;
  #prefs: NotificationPrefs;
  readonly #onStorage: (event: StorageEvent) => void;

  /** `onChange` runs when another tab changes a setting. */
  constructor(username: string, onChange: () => void) {
    this.#key = `hubbub.notify.${username.toLowerCase()}`;
    this.#prefs = this.#read();
    this.#onStorage = (event) => {
      if (event.key !== this.#key) return;
      this.#prefs = this.#read();
      onChange();
    };
    window.addEventListener('storage', this.#onStorage);
  }

  get prefs(): NotificationPrefs {
    return this.#prefs;
  }

  update(change: Partial<NotificationPrefs>): void {
    this.#prefs = { ...this.#prefs, ...change };
    try {
      localStorage.setItem(this.#key, JSON.stringify(this.#prefs));
    } catch {
      // Storage refused: the setting lasts for this page only.
    }
  }

  dispose(): void {
    window.removeEventListener('storage', this.#onStorage);
  }

  #read(): NotificationPrefs {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.#key) ?? '{}');
      if (typeof parsed !== 'object' || parsed === null) return DEFAULTS;
      const record = parsed as Record<string, unknown>;
      return {
        sound: typeof record.sound === 'boolean' ? record.sound : DEFAULTS.sound,
        desktop: typeof record.desktop === 'boolean' ? record.desktop : DEFAULTS.desktop,
      };
    } catch {
      return DEFAULTS;
    }
  }
}
