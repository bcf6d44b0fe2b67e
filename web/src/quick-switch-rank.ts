/**
 * What the quick switcher lists and in which order. Pure (no DOM, no store): the switcher builds a
 * `SwitchSource` from the store and renders what `switchList` returns, and the unit tests call it
 * directly.
 */

/** What an entry opens: a public room, a private room, a direct conversation, or a person (a new or hidden DM). */
export type SwitchKind = 'room' | 'private' | 'dm' | 'person';

/** One entry of the switcher. */
export interface SwitchCandidate {
  /** Unique among the entries: the room key for rooms and conversations, `person:<name>` for people. */
  readonly id: string;
  /** What is shown and matched: the room name, the DM partner, the username. */
  readonly label: string;
  readonly kind: SwitchKind;
  /** The room key to open (rooms and conversations) or the username (people). */
  readonly target: string;
  readonly unread: number;
  /** For direct conversations and people. */
  readonly presence?: 'online' | 'offline' | undefined;
}

/** Everything the switcher can offer, as the store knows it now. */
export interface SwitchSource {
  /** My rooms, then my direct conversations, in sidebar order. */
  readonly conversations: readonly SwitchCandidate[];
  /** People known by name (room members, presence, DM partners, a user search), with presence. */
  readonly people: readonly { readonly name: string; readonly presence: 'online' | 'offline' }[];
  /** Room keys, most recently opened first. */
  readonly recent: readonly string[];
  /** The room on screen: left out of the empty-query list (switching to it does nothing). */
  readonly active?: string | undefined;
  readonly me: string;
}

/** The most entries shown for a typed query (the list scrolls, but a long tail helps nobody). */
export const MAX_RESULTS = 50;

/** How well `label` matches: prefix, start of a word, anywhere inside. */
export const MatchTier = { prefix: 0, wordStart: 1, substring: 2 } as const;
export type MatchTier = (typeof MatchTier)[keyof typeof MatchTier];

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * The query as matched: trimmed, lower-cased, without a leading `#` or `@` (people type
 * `#general` or `@bob` out of habit).
 */
export function normalizeQuery(query: string): string {
  return query.trim().replace(/^[#@]+/, '').toLowerCase();
}

/**
 * How `label` matches the (normalised) `query`, or undefined when it does not contain it,
 * case-insensitively. A word starts after a character that is not a letter or a digit
 * (`web-design`, `design_review`, `jane.doe`) or at a lower-to-upper case change (`JaneDoe`).
 */
export function matchTier(label: string, query: string): MatchTier | undefined {
  if (query === '') return MatchTier.prefix;
  const lower = label.toLowerCase();
  let at = lower.indexOf(query);
  if (at === -1) return undefined;
  if (at === 0) return MatchTier.prefix;
  while (at !== -1) {
    const before = label[at - 1]!;
    const first = label[at]!;
    if (!WORD_CHAR.test(before) || (before !== before.toUpperCase() && first !== first.toLowerCase())) return MatchTier.wordStart;
    at = lower.indexOf(query, at + 1);
  }
  return MatchTier.substring;
}

/**
 * The candidates that match `query`: prefix matches, then word-start matches, then substring
 * matches; within a tier the given order is kept (so recency and sidebar order still count).
 */
export function rankCandidates<T extends { readonly label: string }>(candidates: readonly T[], query: string, limit = MAX_RESULTS): T[] {
  const q = normalizeQuery(query);
  const tiers: T[][] = [[], [], []];
  for (const candidate of candidates) {
    const tier = matchTier(candidate.label, q);
    if (tier !== undefined) tiers[tier]!.push(candidate);
  }
  return tiers.flat().slice(0, limit);
}

/**
 * What the switcher shows for `query`. Empty: my rooms and conversations, the recently opened
 * ones first (most recent first), then the others in sidebar order; the room on screen is left
 * out. Typed: rooms, conversations and people ranked by `rankCandidates`, with each person once
 * and no one I already have a conversation with (the conversation stands for them) nor myself.
 */
export function switchList(source: SwitchSource, query: string): SwitchCandidate[] {
  if (normalizeQuery(query) === '') {
    const byId = new Map(source.conversations.map((c) => [c.id, c]));
    const recent = source.recent.map((room) => byId.get(room)).filter((c): c is SwitchCandidate => c !== undefined);
    const seen = new Set(recent.map((c) => c.id));
    return [...recent, ...source.conversations.filter((c) => !seen.has(c.id))].filter((c) => c.id !== source.active);
  }
  const taken = new Set([source.me.toLowerCase(), ...source.conversations.filter((c) => c.kind === 'dm').map((c) => c.label.toLowerCase())]);
  const people: SwitchCandidate[] = [];
  for (const person of source.people) {
    const key = person.name.toLowerCase();
    if (taken.has(key)) continue;
    taken.add(key);
    people.push({ id: `person:${key}`, label: person.name, kind: 'person', target: person.name, unread: 0, presence: person.presence });
  }
  return rankCandidates([...source.conversations, ...people], query);
}
