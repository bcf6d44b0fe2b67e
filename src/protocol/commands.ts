/** Client → server commands on the WebSocket, validated by the server with these schemas. */
import { z } from 'zod';
import { AVAILABILITIES } from './availability.js';
import { MAX_HISTORY_LIMIT, MAX_TEXT_LENGTH } from './limits.js';
import { roomKeySchema, usernameSchema } from './name-schemas.js';
import { storableText } from './text.js';

// The limits live in limits.ts (no zod, for the web app); re-exported from here as before.
export { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, MAX_TEXT_LENGTH } from './limits.js';

const commandId = z.string().max(64).optional();
const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const helloCommand = z.strictObject({
  type: z.literal('hello'),
  id: commandId,
  token: z.string().min(1).max(4096).optional(),
  /** Per room, the last `seq` the client holds: the server replays everything after it. */
  resume: z.record(roomKeySchema, seqSchema).optional(),
});

export const authCommand = z.strictObject({
  type: z.literal('auth'),
  id: commandId,
  token: z.string().min(1).max(4096),
});

export const joinCommand = z.strictObject({ type: z.literal('join'), id: commandId, room: roomKeySchema });
export const leaveCommand = z.strictObject({ type: z.literal('leave'), id: commandId, room: roomKeySchema });

export const sendCommand = z
  .strictObject({
    type: z.literal('send'),
    id: commandId,
    room: roomKeySchema.optional(),
    /** A username: sends a direct message in the `dm:a:b` room of the two users. */
    to: usernameSchema.optional(),
    text: storableText().min(1).max(MAX_TEXT_LENGTH),
    /**
     * The client's own id for this message. Sending it again (a retry) returns the first ack
     * instead of storing a second message. Optional as an extension of the contract: without it
     * the server makes one up, and a retry may store the message twice.
     */
    // Stored and echoed like the text, so held to the same rule: live equals stored.
    clientMsgId: storableText().min(1).max(64).optional(),
  })
  .refine((cmd) => (cmd.room === undefined) !== (cmd.to === undefined), {
    message: 'exactly one of room or to is required',
    path: ['room'],
  });

export const historyCommand = z
  .strictObject({
    type: z.literal('history'),
    id: commandId,
    room: roomKeySchema,
    before: seqSchema.optional(),
    after: seqSchema.optional(),
    limit: z.number().int().min(1).max(MAX_HISTORY_LIMIT).optional(),
  })
  .refine((cmd) => cmd.before === undefined || cmd.after === undefined, {
    message: 'before and after cannot be combined',
    path: ['before'],
  });

export const typingCommand = z.strictObject({
  type: z.literal('typing'),
  id: commandId,
  room: roomKeySchema,
  active: z.boolean(),
});

export const readCommand = z.strictObject({ type: z.literal('read'), id: commandId, room: roomKeySchema, seq: seqSchema });
export const pingCommand = z.strictObject({ type: z.literal('ping'), id: commandId });
/** Extension: sets the user's availability (kept per user, carried by `presence`). */
export const statusCommand = z.strictObject({ type: z.literal('status'), id: commandId, availability: z.enum(AVAILABILITIES) });

/** Every command by its `type`; used to give an unknown type its own error. */
export const commandSchemas = {
  hello: helloCommand,
  auth: authCommand,
  join: joinCommand,
  leave: leaveCommand,
  send: sendCommand,
  history: historyCommand,
  typing: typingCommand,
  read: readCommand,
  ping: pingCommand,
  status: statusCommand,
} as const;

export type CommandType = keyof typeof commandSchemas;
export type HelloCommand = z.infer<typeof helloCommand>;
export type AuthCommand = z.infer<typeof authCommand>;
export type JoinCommand = z.infer<typeof joinCommand>;
export type LeaveCommand = z.infer<typeof leaveCommand>;
export type SendCommand = z.infer<typeof sendCommand>;
export type HistoryCommand = z.infer<typeof historyCommand>;
export type TypingCommand = z.infer<typeof typingCommand>;
export type ReadCommand = z.infer<typeof readCommand>;
export type PingCommand = z.infer<typeof pingCommand>;
export type StatusCommand = z.infer<typeof statusCommand>;
export type ClientCommand =
  | HelloCommand
  | AuthCommand
  | JoinCommand
  | LeaveCommand
  | SendCommand
  | HistoryCommand
  | TypingCommand
  | ReadCommand
  | PingCommand
  | StatusCommand;

export function isCommandType(value: unknown): value is CommandType {
  return typeof value === 'string' && Object.hasOwn(commandSchemas, value);
}
