/** Dates and times as a chat shows them, and messages grouped by day and author. */
import type { Message } from '../../src/protocol/events.js';
import type { ActivityGroup } from './activity.js';

/** Consecutive messages of one author closer than this share a header. */
const GROUP_GAP_MS = 5 * 60_000;

export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel(date: Date, now = new Date()): string {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return date.toLocaleDateString(undefined, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

export function timeLabel(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** The full date and time, for a tooltip: "Wednesday, December 2, 2026 at 11:32:13 AM". */
export function fullDateLabel(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' });
}

/** A message as the view shows it: stored, or one of ours not yet acknowledged. */
export interface ViewMessage {
  readonly key: string;
  readonly seq: number | undefined;
  readonly from: string;
  readonly text: string;
  readonly ts: string;
  readonly status: 'stored' | 'pending' | 'failed';
  readonly clientMsgId: string;
  /** Why a failed message can never be delivered (sending it again is not offered). */
  readonly undeliverable?: string | undefined;
}

export type ViewItem =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | { readonly kind: 'marker'; readonly key: string }
  | { readonly kind: 'activity'; readonly key: string; readonly group: ActivityGroup }
  | { readonly kind: 'group'; readonly key: string; readonly from: string; readonly ts: string; readonly messages: ViewMessage[] };

export function toView(message: Message): ViewMessage {
  return { key: `s${message.seq}`, seq: message.seq, from: message.from, text: message.text, ts: message.ts, status: 'stored', clientMsgId: message.clientMsgId };
}

/**
 * Day separators, the "new messages" marker before the first message after `markerSeq`, and
 * runs of one author's messages; `activity` (joins and leaves, by `afterSeq`) goes after the
 * message of its `afterSeq`, before my unsent messages, and never places the marker.
 */
export function groupMessages(messages: readonly ViewMessage[], markerSeq: number | undefined, now = new Date(), activity: readonly ActivityGroup[] = []): ViewItem[] {
  const items: ViewItem[] = [];
  let day = '';
  let group: { kind: 'group'; key: string; from: string; ts: string; messages: ViewMessage[] } | undefined;
  let markerPlaced = false;
  let nextActivity = 0;
  const days = new Set<string>();
  const newDay = (date: Date): void => {
    const key = dayKey(date);
    if (key === day) return;
    day = key;
    group = undefined;
    // Once per day even if clocks disagree (a change stamped by another node a little apart).
    if (days.has(key)) return;
    days.add(key);
    items.push({ kind: 'day', key: `d${key}`, label: dayLabel(date, now) });
  };
  /** Activity placed before a message of `seq` (undefined: an unsent one, after every stored message). */
  const activityBefore = (seq: number | undefined): void => {
    while (nextActivity < activity.length && (seq === undefined || activity[nextActivity]!.afterSeq < seq)) {
      const line = activity[nextActivity++]!;
      newDay(new Date(line.firstTs));
      items.push({ kind: 'activity', key: line.key, group: line });
      group = undefined;
    }
  };
  for (const message of messages) {
    activityBefore(message.seq);
    const date = new Date(message.ts);
    newDay(date);
    if (!markerPlaced && markerSeq !== undefined && message.seq !== undefined && message.seq > markerSeq) {
      markerPlaced = true;
      items.push({ kind: 'marker', key: 'marker' });
      group = undefined;
    }
    const last = group?.messages.at(-1);
    if (group === undefined || group.from !== message.from || last === undefined || date.getTime() - new Date(last.ts).getTime() > GROUP_GAP_MS) {
      group = { kind: 'group', key: `g${message.key}`, from: message.from, ts: message.ts, messages: [] };
      items.push(group);
    }
    group.messages.push(message);
  }
  activityBefore(undefined);
  return items;
}

/** A stable colour for a username (an index into the palette of the stylesheet). */
export function colorIndex(username: string): number {
  let hash = 0;
  for (const char of username.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 8;
}
