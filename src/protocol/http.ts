/** HTTP request and response bodies of the `/api` routes. */
import { z } from 'zod';
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './limits.js';
import { roomKeySchema, roomSlugSchema, usernameSchema } from './name-schemas.js';
import { messageSchema, userSchema } from './events.js';
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

/** Query strings arrive as text; numbers are coerced. */
const seqParam = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const historyQuery = z
  .strictObject({
    before: seqParam.optional(),
    after: seqParam.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(DEFAULT_HISTORY_LIMIT),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'before and after cannot be combined',
    path: ['before'],
  });

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
  members: z.array(z.object({ username: z.string(), status: z.enum(['online', 'offline']) })),
});
export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
