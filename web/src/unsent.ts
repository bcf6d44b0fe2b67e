/**
 * My messages the server has not acknowledged, kept in localStorage per user so that closing the
 * tab does not lose them: the next visit queues them again, in the order they were written, with
 * their `clientMsgId` (the server stores each once, even one that arrived before the tab closed).
 * Several tabs of one user share the list: each rewrites only the entries it knows.
 */
export interface UnsentMessage {
  readonly clientMsgId: string;
  /** The room, or the `dm:` key of a conversation started by sending to `to`. */
  readonly room: string;
  /** Set when the message creates a direct conversation (sent by username). */
  readonly to?: string | undefined;
  readonly text: string;
  readonly ts: string;
}

const keyOf = (username: string): string => `hubbub.unsent.${username.toLowerCase()}`;

function isUnsent(value: unknown): value is UnsentMessage {
  const v = value as Partial<UnsentMessage> | null;
  return typeof v === 'object' && v !== null && typeof v.clientMsgId === 'string' && typeof v.room === 'string' && typeof v.text === 'string' && typeof v.ts === 'string' && (v.to === undefined || typeof v.to === 'string');
}

export function loadUnsent(username: string): UnsentMessage[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(keyOf(username)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isUnsent) : [];
  } catch {
    return [];
  }
}

/**
 * Stores `mine` (this tab's unsent messages, oldest first) in place of every entry this tab
 * `knows` (created or loaded); entries only other tabs know stay, ahead of this tab's.
 */
export function saveUnsent(username: string, mine: readonly UnsentMessage[], knows: ReadonlySet<string>): void {
  try {
    const ids = new Set(mine.map((m) => m.clientMsgId));
    const others = loadUnsent(username).filter((m) => !knows.has(m.clientMsgId) && !ids.has(m.clientMsgId));
    const all = [...others, ...mine];
    if (all.length === 0) localStorage.removeItem(keyOf(username));
    else localStorage.setItem(keyOf(username), JSON.stringify(all));
  } catch {
    // Storage full or unavailable: the messages are still queued in this tab.
  }
}

export function clearUnsent(username: string): void {
  try {
    localStorage.removeItem(keyOf(username));
  } catch {
    // Nothing to clear.
  }
}
