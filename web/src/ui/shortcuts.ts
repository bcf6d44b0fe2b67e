/**
 * The app's global keyboard shortcuts (see web/src/keymap.ts for the table): one keydown
 * listener on the document that turns Ctrl+K / ⌘K, Alt+↑/↓ (Shift: unread only) and `?` into
 * calls of the handlers given. It leaves every other key alone, so typing in a field is never
 * taken over, and it ignores keys during an IME composition.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ChatStore } from '../chat-store.js';
import { isApplePlatform, matchShortcut } from '../keymap.js';
import { adjacentRoom } from '../room-cycle.js';

/** The platform's name, from the newer `userAgentData` where the browser has it. */
function platformName(): string {
  if (typeof navigator === 'undefined') return '';
  const data = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return data?.platform || navigator.platform || '';
}

/** True on macOS and iOS, where the shortcuts use ⌘ instead of Ctrl. */
export const IS_MAC = isApplePlatform(platformName());

/** What the shortcuts do; the app decides (it knows which dialog is open). */
export interface ShortcutHandlers {
  /** Ctrl+K / ⌘K: open (or close) the quick switcher. Called even while a dialog is open. */
  quickSwitch(): void;
  /** Alt+↑ / Alt+↓, with Shift for rooms with unread messages only. Not while a dialog is open. */
  cycle(direction: 1 | -1, unreadOnly: boolean): void;
  /** `?` outside text fields: the keyboard shortcuts dialog. Not while a dialog is open. */
  help(): void;
  /** Shift+Esc: mark every room and conversation read. Not while a dialog is open. */
  markAllRead(): void;
}

/** True for an element where keys type text: `?` there is a character, not a shortcut. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['button', 'checkbox', 'color', 'file', 'hidden', 'image', 'radio', 'range', 'reset', 'submit'].includes(target.type);
}

/** Listens for the global shortcuts while the calling component is mounted. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  // The listener is added once; it calls whatever handlers the last render gave.
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return;
      const action = matchShortcut(event, { mac: IS_MAC, inTextField: isTextField(event.target) });
      if (action === undefined) return;
      if (action.type === 'quick-switch') {
        // The app owns this combination everywhere (the browser's own Ctrl+K would take the
        // cursor to its address bar).
        event.preventDefault();
        latest.current.quickSwitch();
        return;
      }
      // A modal dialog has the keyboard: the arrows and `?` are its own there.
      if (document.querySelector('dialog[open]') !== null) return;
      event.preventDefault();
      if (action.type === 'help') latest.current.help();
      else if (action.type === 'mark-all-read') latest.current.markAllRead();
      else latest.current.cycle(action.direction, action.unreadOnly);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}

/**
 * Opens the room `direction` steps away from the one on screen in sidebar order (rooms, then
 * direct conversations, wrapping), or the nearest with unread messages; false when there is none.
 */
export function openAdjacentRoom(store: ChatStore, direction: 1 | -1, unreadOnly: boolean): boolean {
  const { rooms, direct } = store.myRooms();
  const order = [...rooms, ...direct].map((entry) => ({ room: entry.room, unread: entry.room === store.active ? 0 : entry.unread }));
  const next = adjacentRoom(order, store.active, direction, unreadOnly);
  if (next === undefined) return false;
  void store.open(next);
  return true;
}
