/** HTTP request and response bodies of the `/api` routes. */
import { z } from 'zod';
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './limits.js';
import { roomKeySchema, roomSlugSchema, usernameSchema } from './name-schemas.js';
import { availabilitySchema, messageSchema, userSchema } from './events.js';
import { storableText } from './text.js';

export const credentialsBody = z.strictObject({
  username: usernameSchema,
  password: storableText().min(8).max(256),
});
/** Login accepts any non-empty strings: a malformed username is just an unknown one. */
export const loginBody = z.strictObject({
  username: storableText().min(1).max(256),
  password: storableText().min(1).max(256),
});
export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) });

export const sessionTokensResponse = z.object({
  user: userSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
});
export type SessionTokens = z.infer<typeof sessionTokensResponse>;

export const visibilitySchema = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof visibilitySchema> | 'dm';

export const createRoomBody = z.strictObject({ room: roomSlugSchema, visibility: visibilitySchema.default('public') });
export const roomParams = z.strictObject({ room: roomKeySchema });
export const addMemberBody = z.strictObject({ username: usernameSchema });

/**
 * A number in a query string, which arrives as text: plain decimal digits only. `Number()` (and
 * so `z.coerce.number()`) would also take `0x10`, `1e1`, `+5`, ` 5`, `5.0` and the empty string,
 * so two spellings of one request could differ in what caches and logs see.
 */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number written in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

const seqParam = queryInteger(0, Number.MAX_SAFE_INTEGER);
export const historyQuery = z
  .strictObject({
    before: seqParam.optional(),
    after: seqParam.optional(),
    limit: queryInteger(1, MAX_HISTORY_LIMIT).default(DEFAULT_HISTORY_LIMIT),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'before and after cannot be combined',
    path: ['before'],
  });

/** The most rooms one page of the directory holds. */
export const MAX_DIRECTORY_LIMIT = 100;
export const DEFAULT_DIRECTORY_LIMIT = 50;

export const directoryQuery = z.strictObject({
  /** Rooms whose key contains this (any letter case, taken literally). */
  q: storableText().max(64).optional(),
  limit: queryInteger(1, MAX_DIRECTORY_LIMIT).default(DEFAULT_DIRECTORY_LIMIT),
  /** `next` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});

export const directoryRoomSchema = z.object({
  room: z.string(),
  visibility: z.literal('public'),
  lastSeq: z.number().int(),
  /** Members now. */
  members: z.number().int(),
  /** Whether the caller is one of them. */
  member: z.boolean(),
});
export type DirectoryRoom = z.infer<typeof directoryRoomSchema>;

export const directoryResponse = z.object({
  rooms: z.array(directoryRoomSchema),
  /** The cursor of the next page, when there are more rooms. */
  next: z.string().optional(),
});
export type DirectoryPage = z.infer<typeof directoryResponse>;

export const roomSummarySchema = z.object({
  room: z.string(),
  visibility: z.enum(['public', 'private', 'dm']),
  lastSeq: z.number().int(),
  readSeq: z.number().int(),
  unread: z.number().int(),
  member: z.boolean(),
});
export type RoomSummary = z.infer<typeof roomSummarySchema>;

export const roomsResponse = z.object({ rooms: z.array(roomSummarySchema) });
export const roomResponse = z.object({ room: roomSummarySchema });
export const meResponse = z.object({ user: userSchema });
export const messagesResponse = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() });
export const membersResponse = z.object({
  members: z.array(
    z.object({
      username: z.string(),
      status: z.enum(['online', 'offline']),
      /** Extension: the member's availability, when online. */
      availability: availabilitySchema.optional(),
    }),
  ),
});

export const userParams = z.strictObject({ username: usernameSchema });
/** `GET /api/users/:username`: a user's profile card. */
export const userProfileSchema = z.object({
  username: z.string(),
  status: z.enum(['online', 'offline']),
  /** When online: the user's chosen availability. */
  availability: availabilitySchema.optional(),
  /** When offline: when the user was last online (ISO 8601), if ever since it was recorded. */
  lastSeen: z.string().optional(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;
export const userProfileResponse = z.object({ user: userProfileSchema });
export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
