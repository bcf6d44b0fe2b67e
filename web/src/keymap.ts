/**
 * The app's keyboard shortcuts as data: which key combination does what (`matchShortcut`) and
 * what the "Keyboard shortcuts" dialog lists (`SHORTCUT_GROUPS`). Pure (no DOM), for the unit
 * tests; web/src/ui/shortcuts.ts listens to the keyboard with it.
 */

/** What a global shortcut asks the app to do. */
export type ShortcutAction =
  | { readonly type: 'quick-switch' }
  | { readonly type: 'cycle'; readonly direction: 1 | -1; readonly unreadOnly: boolean }
  | { readonly type: 'help' }
  | { readonly type: 'mark-all-read' };

/** The fields of a keydown event that `matchShortcut` reads (a DOM KeyboardEvent fits). */
export interface KeyInput {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
  readonly isComposing: boolean;
  readonly keyCode?: number;
}

/** Where the key was pressed, as far as shortcuts care. */
export interface KeyContext {
  /** macOS and iOS: ⌘ instead of Ctrl. */
  readonly mac: boolean;
  /** Focus is in a text field (where `?` is a character to type). */
  readonly inTextField: boolean;
}

/** True for Apple platforms, from `navigator.userAgentData.platform` or `navigator.platform`. */
export function isApplePlatform(platform: string): boolean {
  return /mac|iphone|ipad|ipod/i.test(platform);
}

/**
 * The global shortcut a keydown stands for, or undefined (the key is left alone). Nothing
 * during an IME composition (keyCode 229 is Chromium's and Safari's mark of a key the IME
 * took). Ctrl+K / ⌘K, the Alt arrows and Shift+Esc work in text fields too; `?` only outside them.
 */
export function matchShortcut(event: KeyInput, context: KeyContext): ShortcutAction | undefined {
  if (event.isComposing || event.keyCode === 229) return undefined;
  const mod = context.mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  // By the key, or by its place for layouts whose K key types another letter.
  if (mod && !event.altKey && !event.shiftKey && (event.key.toLowerCase() === 'k' || event.code === 'KeyK')) return { type: 'quick-switch' };
  if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    return { type: 'cycle', direction: event.key === 'ArrowUp' ? -1 : 1, unreadOnly: event.shiftKey };
  }
  if (event.key === 'Escape' && event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) return { type: 'mark-all-read' };
  if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !context.inTextField) return { type: 'help' };
  return undefined;
}

/** A key as the shortcuts dialog names it. */
export type KeyName = 'mod' | 'alt' | 'shift' | 'up' | 'down' | 'enter' | 'esc' | 'tab' | 'k' | '?';

/**
 * How a key is shown (`glyph`) and, where a screen reader would stumble on the symbol, read out
 * (`spoken`; otherwise the same as the glyph: screen readers name arrows and `?` themselves).
 */
export function keyLabel(key: KeyName, mac: boolean): { readonly glyph: string; readonly spoken: string } {
  switch (key) {
    case 'mod':
      return mac ? { glyph: '⌘', spoken: 'Command' } : { glyph: 'Ctrl', spoken: 'Ctrl' };
    case 'alt':
      return mac ? { glyph: '⌥', spoken: 'Option' } : { glyph: 'Alt', spoken: 'Alt' };
    case 'shift':
      return mac ? { glyph: '⇧', spoken: 'Shift' } : { glyph: 'Shift', spoken: 'Shift' };
    case 'up':
      return { glyph: '↑', spoken: '↑' };
    case 'down':
      return { glyph: '↓', spoken: '↓' };
    case 'enter':
      return { glyph: 'Enter', spoken: 'Enter' };
    case 'esc':
      return { glyph: 'Esc', spoken: 'Escape' };
    case 'tab':
      return { glyph: 'Tab', spoken: 'Tab' };
    case 'k':
      return { glyph: 'K', spoken: 'K' };
    case '?':
      return { glyph: '?', spoken: '?' };
  }
}

/** One line of the shortcuts dialog: its key combinations (alternatives) and what they do. */
export interface ShortcutHelp {
  readonly combos: readonly (readonly KeyName[])[];
  readonly action: string;
}

/** A titled group of lines of the shortcuts dialog. */
export interface ShortcutGroup {
  readonly title: string;
  readonly shortcuts: readonly ShortcutHelp[];
}

/** Every shortcut of the app, as the "Keyboard shortcuts" dialog lists them. */
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Anywhere',
    shortcuts: [
      { combos: [['mod', 'k']], action: 'Jump to a room, conversation or person' },
      { combos: [['alt', 'up'], ['alt', 'down']], action: 'Previous / next room or conversation' },
      { combos: [['alt', 'shift', 'up'], ['alt', 'shift', 'down']], action: 'Previous / next one with unread messages' },
      { combos: [['shift', 'esc']], action: 'Mark everything as read' },
      { combos: [['?']], action: 'Show keyboard shortcuts (outside text fields)' },
    ],
  },
  {
    title: 'In the message box',
    shortcuts: [
      { combos: [['enter']], action: 'Send the message' },
      { combos: [['shift', 'enter']], action: 'New line' },
    ],
  },
  {
    title: 'In the quick switcher',
    shortcuts: [
      { combos: [['up'], ['down']], action: 'Move through the list' },
      { combos: [['enter']], action: 'Open the one selected' },
    ],
  },
  {
    title: 'In dialogs',
    shortcuts: [
      { combos: [['esc']], action: 'Close the dialog (the cursor goes back where it was)' },
      { combos: [['tab'], ['shift', 'tab']], action: 'Next / previous control' },
    ],
  },
];
