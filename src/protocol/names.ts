/** Identifier rules shared by the server, the SDK and the web app. */
import { z } from 'zod';

/** 3-32 chars of `[A-Za-z0-9_.-]`; unique case-insensitively. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
/** A public or private room's slug. */
export const ROOM_SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A direct conversation: `dm:<a>:<b>`, both usernames lower-cased and sorted. */
export const DM_ROOM_PATTERN = /^dm:([a-z0-9_.-]{3,32}):([a-z0-9_.-]{3,32})$/;

export const usernameSchema = z.string().regex(USERNAME_PATTERN, 'must be 3-32 characters of A-Z a-z 0-9 _ . -');
export const roomSlugSchema = z.string().regex(ROOM_SLUG_PATTERN, 'must match [a-z0-9][a-z0-9_-]{0,63}');
export const roomKeySchema = z
  .string()
  .max(200)
  .refine((key) => ROOM_SLUG_PATTERN.test(key) || isDmRoomKey(key), 'must be a room slug or dm:<userA>:<userB>');

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
