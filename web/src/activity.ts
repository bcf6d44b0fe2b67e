/**
 * Joins and leaves as a conversation shows them: quiet lines placed after the message of their
 * `afterSeq`, consecutive changes folded into one line ("alice, bob and 3 others joined",
 * "carol joined and left"). Pure logic, no DOM: the view is ui/ActivityLine.tsx.
 */
import type { ActivityEntry } from '../../src/protocol/http.js';

/** The most names a line spells out before it says "and N others". */
const NAMES_SHOWN = 3;

/** One user's part in a run of changes: what they did, first to last. */
export type ActivityVerb = 'joined' | 'left' | 'joined and left' | 'left and rejoined';

/** The users who did the same thing in a run, in the order they first appear. */
export interface ActivityClause {
  readonly verb: ActivityVerb;
  readonly users: readonly string[];
}

/** A run of changes between two messages, as one line. */
export interface ActivityGroup {
  /** Stable across renders and reloads: the place and the first change of the run. */
  readonly key: string;
  /** The run sits after the message of this seq. */
  readonly afterSeq: number;
  /** The time of the run's first and last change (ISO 8601). */
  readonly firstTs: string;
  readonly lastTs: string;
  readonly clauses: readonly ActivityClause[];
  /** Every change of the run, in order (for the full list). */
  readonly entries: readonly ActivityEntry[];
}

/** The identity of a change: the same change read live and from a reload is one line, once. */
export function activityKey(entry: ActivityEntry): string {
  return `${entry.afterSeq}|${entry.ts}|${entry.action}|${entry.user.toLowerCase()}`;
}

/**
 * Adds changes to a room's list, each once, in conversation order (by `afterSeq`; changes
 * after the same message keep the order they were recorded in, which is the order of `ts`).
 */
export function mergeActivity(current: readonly ActivityEntry[], incoming: readonly ActivityEntry[]): ActivityEntry[] {
  const seen = new Set(current.map(activityKey));
  const added = incoming.filter((entry) => {
    const key = activityKey(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (added.length === 0) return current as ActivityEntry[];
  // A stable sort: equal places keep their arrival order, broken only by time.
  return [...current, ...added].sort((a, b) => a.afterSeq - b.afterSeq || Date.parse(a.ts) - Date.parse(b.ts));
}

/** What one user did over a run of changes, from the first and the last of them. */
function verbOf(actions: readonly ('joined' | 'left')[]): ActivityVerb {
  const first = actions[0]!;
  const last = actions.at(-1)!;
  if (first === last) return first;
  return first === 'joined' ? 'joined and left' : 'left and rejoined';
}

/** Folds consecutive changes (the same `afterSeq`: no message between them) into lines. */
export function groupActivity(entries: readonly ActivityEntry[]): ActivityGroup[] {
  const groups: ActivityGroup[] = [];
  let start = 0;
  while (start < entries.length) {
    const afterSeq = entries[start]!.afterSeq;
    let end = start;
    while (end < entries.length && entries[end]!.afterSeq === afterSeq) end++;
    const run = entries.slice(start, end);
    // Per user (names compared in any case, shown as first written), their actions in order.
    const byUser = new Map<string, { name: string; actions: ('joined' | 'left')[] }>();
    for (const entry of run) {
      const id = entry.user.toLowerCase();
      const user = byUser.get(id) ?? { name: entry.user, actions: [] };
      user.actions.push(entry.action);
      byUser.set(id, user);
    }
    const clauses: { verb: ActivityVerb; users: string[] }[] = [];
    for (const { name, actions } of byUser.values()) {
      const verb = verbOf(actions);
      const clause = clauses.find((c) => c.verb === verb);
      if (clause === undefined) clauses.push({ verb, users: [name] });
      else clause.users.push(name);
    }
    groups.push({ key: `a${activityKey(run[0]!)}`, afterSeq, firstTs: run[0]!.ts, lastTs: run.at(-1)!.ts, clauses, entries: run });
    start = end;
  }
  return groups;
}

/** "alice", "alice and bob", "alice, bob and carol", "alice, bob and 3 others". */
export function nameList(users: readonly string[], shown = NAMES_SHOWN): string {
  if (users.length <= 1) return users[0] ?? '';
  if (users.length <= shown) return `${users.slice(0, -1).join(', ')} and ${users.at(-1)!}`;
  const rest = users.length - (shown - 1);
  return `${users.slice(0, shown - 1).join(', ')} and ${rest} others`;
}

/** The line's text: "alice, bob and 3 others joined; carol joined and left". */
export function describeGroup(group: ActivityGroup): string {
  return group.clauses.map((clause) => `${nameList(clause.users)} ${clause.verb}`).join('; ');
}

/** Whether the line leaves names out (then the view offers the full list). */
export function isAbridged(group: ActivityGroup): boolean {
  return group.clauses.some((clause) => clause.users.length > NAMES_SHOWN);
}

/** Every name of the line, each with what they did: "alice joined, bob joined, carol joined and left". */
export function fullList(group: ActivityGroup): string {
  return group.clauses.flatMap((clause) => clause.users.map((user) => `${user} ${clause.verb}`)).join(', ');
}
