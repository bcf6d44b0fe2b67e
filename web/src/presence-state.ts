/**
 * What a presence dot and its text say about a user: online (active), away, do not disturb or
 * offline — the server's `status` with the availability it carries while online — and how
 * long ago an offline user was last seen.
 */
import type { Availability } from '../../src/protocol/availability.js';

/** A user's presence as the app shows it. */
export type PresenceState = 'online' | 'away' | 'dnd' | 'offline';

/** The text alternative of each state (the dot's colour and shape are never the only cue). */
export const PRESENCE_LABELS: Readonly<Record<PresenceState, string>> = {
  online: 'Online',
  away: 'Away',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

/** The status menu's words for each availability, in menu order. */
export const AVAILABILITY_LABELS: Readonly<Record<Availability, string>> = {
  active: 'Active',
  away: 'Away',
  dnd: 'Do not disturb',
};

/** The state of a user with this status and (while online) availability. */
export function presenceState(status: 'online' | 'offline', availability: Availability | undefined): PresenceState {
  if (status === 'offline') return 'offline';
  return availability === 'away' || availability === 'dnd' ? availability : 'online';
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "Last seen 5 minutes ago", "Last seen just now", "Last seen yesterday". */
export function lastSeenLabel(when: Date, now = new Date()): string {
  const seconds = Math.max(0, (now.getTime() - when.getTime()) / 1000);
  if (seconds < 60) return 'Last seen just now';
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return `Last seen ${format.format(-Math.floor(seconds / size), unit)}`;
  }
  return 'Last seen just now';
}

/** The full date and time, for the tooltip of a last-seen label. */
export function fullDateLabel(when: Date): string {
  return when.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
}
