/** HTTP request and response bodies of the `/api` routes. */
import { z } from 'zod';
import { DEFAULT_ACTIVITY_LIMIT, DEFAULT_HISTORY_LIMIT, MAX_ACTIVITY_LIMIT, MAX_HISTORY_LIMIT } from './limits.js';
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

/**
 * `GET /api/rooms/:room/activity`: the joins and leaves placed after messages `after < afterSeq
 * < before` (both optional and combinable: the window of the messages a client has loaded).
 */
export const activityQuery = z
  .strictObject({
    after: seqParam.optional(),
    before: seqParam.optional(),
    limit: queryInteger(1, MAX_ACTIVITY_LIMIT).default(DEFAULT_ACTIVITY_LIMIT),
  })
  .refine((q) => q.before === undefined || q.after === undefined || q.after < q.before, {
    message: 'after must be below before',
    path: ['after'],
  });

/** A join or leave of a room, placed after the message `afterSeq` (0: before the first). */
export const activityEntrySchema = z.object({
  user: z.string(),
  action: z.enum(['joined', 'left']),
  ts: z.string(),
  afterSeq: z.number().int(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const activityResponse = z.object({ activity: z.array(activityEntrySchema), hasMore: z.boolean() });
export type ActivityResponse = z.infer<typeof activityResponse>;

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

/** `GET /api/users/:username`: a user's profile card (an object, so fields can be added). */
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

/** The most users one search (`GET /api/users`) returns, and how many when `limit` is not given. */
export const MAX_USER_SEARCH_LIMIT = 50;
export const DEFAULT_USER_SEARCH_LIMIT = 10;
/** The longest search prefix: no username is longer, so a longer prefix could match none. */
export const MAX_USER_SEARCH_PREFIX = 32;

export const userSearchQuery = z.strictObject({
  /** Users whose name starts with this (any letter case, taken literally); at least 1 character. */
  q: storableText().min(1).max(MAX_USER_SEARCH_PREFIX),
  limit: queryInteger(1, MAX_USER_SEARCH_LIMIT).default(DEFAULT_USER_SEARCH_LIMIT),
});

/**
 * The name part of `/api/users/:username`: any text up to 256 characters, as login takes it. A
 * name that breaks the username rules is just one nobody has (404), not a malformed request.
 */
export const userParams = z.strictObject({ username: storableText().min(1).max(256) });


/** A user found by a search, as the list of matches shows one. */
export const userMatchSchema = z.object({ username: z.string() });
export type UserMatch = z.infer<typeof userMatchSchema>;

export const userSearchResponse = z.object({ users: z.array(userMatchSchema) });
