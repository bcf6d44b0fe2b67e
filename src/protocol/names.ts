/**
 * Identifier rules shared by the server, the SDK and the web app: plain regexes and functions.
 * The web app loads this module, so it imports nothing (no zod); the schemas built on these
 * rules are in name-schemas.ts.
 */

/** 3-32 chars of `[A-Za-z0-9_.-]`; unique case-insensitively. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
/** A public or private room's slug. */
export const ROOM_SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A direct conversation: `dm:<a>:<b>`, both usernames lower-cased and sorted. */
export const DM_ROOM_PATTERN = /^dm:([a-z0-9_.-]{3,32}):([a-z0-9_.-]{3,32})$/;

/** The canonical DM room key of two users, whatever order they are given in. */
export function dmRoomKey(a: string, b: string): string {
  const [first, second] = [a.toLowerCase(), b.toLowerCase()].sort();
  return `dm:${first}:${second}`;
}

/** True for a well-formed, canonical DM key (sorted, distinct users). */
export function isDmRoomKey(key: string): boolean {
  const match = DM_ROOM_PATTERN.exec(key);
  return match !== null && match[1]! < match[2]!;
}

/** The two lower-cased usernames of a DM key, or undefined for any other key. */
export function dmParticipants(key: string): [string, string] | undefined {
  if (!isDmRoomKey(key)) return undefined;
  const match = DM_ROOM_PATTERN.exec(key)!;
  return [match[1]!, match[2]!];
}
