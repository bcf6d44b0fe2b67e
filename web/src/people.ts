/**
 * Where the quick switcher finds people to message. Today: every username the store knows.
 * Tomorrow a server user search (`GET /api/users?q=`) can be passed to the switcher instead, as
 * another `PeopleSearch` (merging its answers with `knownPeople`, for example).
 */

/** Looks people up by part of their name; the switcher ranks and filters what it gets. */
export type PeopleSearch = (query: string) => Promise<string[]>;

/** The parts of the chat store that know usernames (the ChatStore fits it). */
export interface PeopleSource {
  readonly me: string;
  readonly rooms: ReadonlyMap<string, { readonly room: string; readonly members: readonly { readonly username: string }[] | undefined }>;
  readonly presence: ReadonlyMap<string, unknown>;
  dmPartner(room: string): string | undefined;
}

/**
 * Every username the store knows, each once (case-insensitively), without me: members of the
 * loaded rooms (as they spell their names), then people seen through presence and DM partners
 * (lower-cased, as the server sends them there), sorted by name.
 */
export function knownPeople(source: PeopleSource): string[] {
  const names = new Map<string, string>();
  const add = (name: string): void => {
    const key = name.toLowerCase();
    if (!names.has(key)) names.set(key, name);
  };
  for (const entry of source.rooms.values()) for (const member of entry.members ?? []) add(member.username);
  for (const entry of source.rooms.values()) {
    const partner = source.dmPartner(entry.room);
    if (partner !== undefined) add(partner);
  }
  for (const name of source.presence.keys()) add(name);
  names.delete(source.me.toLowerCase());
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}

/** The default `PeopleSearch`: the names the store knows now, whatever the query. */
export function knownPeopleSearch(source: PeopleSource): PeopleSearch {
  return () => Promise.resolve(knownPeople(source));
}

/**
 * A `PeopleSearch` that asks the server (`GET /api/users?q=`) for people whose name starts with
 * the query, a moment after the last keystroke (an answer that a newer query overtook is
 * dropped by the switcher). An empty query, `#…` (rooms) or a failure gives no names.
 */
export function serverPeopleSearch(search: (prefix: string, limit: number) => Promise<{ readonly username: string }[]>, delayMs = 150): PeopleSearch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let overtaken: (() => void) | undefined;
  return (query) => {
    // The query before this one is not asked at all: its caller gets no names.
    if (timer !== undefined) clearTimeout(timer);
    overtaken?.();
    overtaken = undefined;
    const prefix = query.trim().replace(/^@/, '');
    if (prefix === '' || prefix.startsWith('#')) return Promise.resolve([]);
    return new Promise((resolve) => {
      overtaken = () => resolve([]);
      timer = setTimeout(() => {
        overtaken = undefined;
        search(prefix, 10).then(
          (users) => resolve(users.map((user) => user.username)),
          () => resolve([]),
        );
      }, delayMs);
    });
  };
}
