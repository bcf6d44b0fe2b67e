/**
 * Server → client events. The server builds them from these types; the SDK validates what it
 * receives with the same schemas. A frame holds one event, or a JSON array of events (batching).
 */
import { z } from 'zod';
import { AVAILABILITIES } from './availability.js';

/** A user's chosen availability (extension): `active`, `away` or `dnd`. */
export const availabilitySchema = z.enum(AVAILABILITIES);

export const userSchema = z.object({ id: z.number().int(), username: z.string() });
export type User = z.infer<typeof userSchema>;

export const messageSchema = z.object({
  room: z.string(),
  seq: z.number().int(),
  msgId: z.string(),
  from: z.string(),
  text: z.string(),
  ts: z.string(),
  clientMsgId: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const roomStateSchema = z.object({
  room: z.string(),
  lastSeq: z.number().int(),
  readSeq: z.number().int(),
  unread: z.number().int(),
});
export type RoomState = z.infer<typeof roomStateSchema>;

export const resumeResultSchema = z.object({ recovered: z.boolean(), missed: z.number().int() });
export type ResumeResult = z.infer<typeof resumeResultSchema>;

const id = z.string().optional();

export const welcomeEvent = z.object({
  type: z.literal('welcome'),
  id,
  user: userSchema,
  sessionId: z.string(),
  rooms: z.array(roomStateSchema),
  resumed: z.record(z.string(), resumeResultSchema),
  /** Extension: users who share a room with the caller and are online now. */
  online: z.array(z.string()),
  /** Extension: the caller's own availability, as stored. */
  availability: availabilitySchema.optional(),
  /** Extension: the availability of each user in `online`, by username. */
  availabilities: z.record(z.string(), availabilitySchema).optional(),
});

export const ackEvent = z.looseObject({
  type: z.literal('ack'),
  id,
  room: z.string().optional(),
  seq: z.number().int().optional(),
  msgId: z.string().optional(),
  ts: z.string().optional(),
  lastSeq: z.number().int().optional(),
  expiresAt: z.string().optional(),
});

export const errorEvent = z.object({
  type: z.literal('error'),
  id,
  code: z.string(),
  message: z.string(),
  /** With `rate_limited`: seconds to wait before trying again. */
  retryAfter: z.number().optional(),
});
export const messageEvent = messageSchema.extend({ type: z.literal('message') });
export const memberEvent = z.object({
  type: z.literal('member'),
  room: z.string(),
  user: z.string(),
  action: z.enum(['joined', 'left']),
  /**
   * Extension: where the change sits among the room's messages (after the message of this seq)
   * and when it happened, as `GET /api/rooms/:room/activity` reports it. Absent from the echo
   * of a user's own change that reaches the user's sessions through another node.
   */
  afterSeq: z.number().int().optional(),
  ts: z.string().optional(),
});
export const presenceEvent = z.object({
  type: z.literal('presence'),
  user: z.string(),
  status: z.enum(['online', 'offline']),
  /** Extension: the user's chosen availability, whenever `status` is `online`. */
  availability: availabilitySchema.optional(),
});
export const typingEvent = z.object({ type: z.literal('typing'), room: z.string(), user: z.string(), active: z.boolean() });
export const receiptEvent = z.object({ type: z.literal('receipt'), room: z.string(), user: z.string(), seq: z.number().int() });
export const historyEvent = z.object({
  type: z.literal('history'),
  id,
  room: z.string(),
  messages: z.array(messageSchema),
  hasMore: z.boolean(),
});
export const pongEvent = z.object({ type: z.literal('pong'), id });

export const serverEventSchema = z.discriminatedUnion('type', [
  welcomeEvent,
  ackEvent,
  errorEvent,
  messageEvent,
  memberEvent,
  presenceEvent,
  typingEvent,
  receiptEvent,
  historyEvent,
  pongEvent,
]);

export type WelcomeEvent = z.infer<typeof welcomeEvent>;
export type AckEvent = z.infer<typeof ackEvent>;
export type ErrorEvent = z.infer<typeof errorEvent>;
export type MessageEvent = z.infer<typeof messageEvent>;
export type MemberEvent = z.infer<typeof memberEvent>;
export type PresenceEvent = z.infer<typeof presenceEvent>;
export type TypingEvent = z.infer<typeof typingEvent>;
export type ReceiptEvent = z.infer<typeof receiptEvent>;
export type HistoryEvent = z.infer<typeof historyEvent>;
export type PongEvent = z.infer<typeof pongEvent>;
export type ServerEvent = z.infer<typeof serverEventSchema>;
