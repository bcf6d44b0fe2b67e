/**
 * A room's joins and leaves as the chat store keeps them: read with each page of history (the
 * same window of seqs) and added live from `member` events, which carry the same place. Never
 * counted as unread: they are not messages.
 */
import type { MemberEvent, Message } from '../../src/protocol/events.js';
import type { ActivityEntry } from '../../src/protocol/http.js';
import { MAX_ACTIVITY_LIMIT } from '../../src/protocol/limits.js';
import { isDmRoomKey } from '../../src/protocol/names.js';
import type { ActivityQuery } from '../../src/client/http-client.js';
import type { HubbubClient } from '../../src/client/hubbub-client.js';
import { mergeActivity } from './activity.js';

/** The most changes a room keeps in memory (a busy public room left open for days). */
const KEPT = 1000;

/** What the store needs of a room entry. */
interface ActivityHolder {
  readonly room: string;
  activity: ActivityEntry[];
  messages: Message[];
}

/**
 * The activity window of a page of history: the changes after its messages, up to the page
 * that was loaded before it (`newerFirst`, its first seq; undefined for the newest page). The
 * gap before the page's first message belongs to the older page, unless this one reached the
 * room's beginning.
 */
export function activityWindow(messages: readonly Message[], hasMore: boolean, newerFirst: number | undefined): ActivityQuery {
  const first = messages[0]?.seq;
  return {
    ...(hasMore && first !== undefined ? { after: first - 1 } : {}),
    ...(newerFirst === undefined ? {} : { before: newerFirst }),
  };
}

/** Reads a window of the room's activity into `entry`; a failure leaves the lines out (a nicety). */
export async function loadActivity(client: HubbubClient, entry: ActivityHolder, window: ActivityQuery): Promise<void> {
  if (isDmRoomKey(entry.room)) return;
  try {
    const page = await client.api((http) => http.activity(entry.room, { ...window, limit: MAX_ACTIVITY_LIMIT }));
    keep(entry, page.activity);
  } catch {
    // The messages matter; their join and leave lines can wait for the next load.
  }
}

/** A `member` event as a line: where the server placed it, or (from an older server) at the end. */
export function liveActivity(entry: ActivityHolder, event: MemberEvent): void {
  if (isDmRoomKey(entry.room)) return;
  const afterSeq = event.afterSeq ?? entry.messages.at(-1)?.seq ?? 0;
  keep(entry, [{ user: event.user, action: event.action, ts: event.ts ?? new Date().toISOString(), afterSeq }]);
}

function keep(entry: ActivityHolder, incoming: readonly ActivityEntry[]): void {
  const merged = mergeActivity(entry.activity, incoming);
  entry.activity = merged.length > KEPT ? merged.slice(-KEPT) : merged;
}
