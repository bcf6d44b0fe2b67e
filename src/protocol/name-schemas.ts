/** The zod schemas of identifiers, built on the plain rules of names.ts (server-side validation). */
import { z } from 'zod';
import { ROOM_SLUG_PATTERN, USERNAME_PATTERN, isDmRoomKey } from './names.js';

export const usernameSchema = z.string().regex(USERNAME_PATTERN, 'must be 3-32 characters of A-Z a-z 0-9 _ . -');
export const roomSlugSchema = z.string().regex(ROOM_SLUG_PATTERN, 'must match [a-z0-9][a-z0-9_-]{0,63}');
export const roomKeySchema = z
  .string()
  .max(200)
  .refine((key) => ROOM_SLUG_PATTERN.test(key) || isDmRoomKey(key), 'must be a room slug or dm:<userA>:<userB>');
