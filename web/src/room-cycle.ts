/**
 * Alt+↑ / Alt+↓ (and with Shift, unread only): which room comes before or after the one on
 * screen in sidebar order. Pure, for the unit tests.
 */

/** A room or conversation as the sidebar lists it. */
export interface CycleEntry {
  readonly room: string;
  /** Unread messages as the sidebar shows them (the room on screen counts none). */
  readonly unread: number;
}

/**
 * The room `direction` steps from `active` in `order` (sidebar order: rooms, then direct
 * conversations), wrapping at both ends; with `unreadOnly`, the nearest one with unread
 * messages that way. Nothing open: ↓ starts at the top, ↑ at the bottom. Undefined when there is
 * nowhere to go (no other room, or no unread one).
 */
export function adjacentRoom(order: readonly CycleEntry[], active: string | undefined, direction: 1 | -1, unreadOnly = false): string | undefined {
  const n = order.length;
  if (n === 0) return undefined;
  const at = active === undefined ? -1 : order.findIndex((entry) => entry.room === active);
  // Not in the list (nothing open, or a room I only view): as if just before the first / after the last.
  const start = at !== -1 ? at : direction === 1 ? -1 : n;
  for (let step = 1; step <= n; step++) {
    const entry = order[(((start + direction * step) % n) + n) % n]!;
    if (entry.room === active) continue;
    if (!unreadOnly || entry.unread > 0) return entry.room;
  }
  return undefined;
}
