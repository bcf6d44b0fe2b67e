/**
 * Serialisation of server events. Each event is stringified once, here, and the same string is
 * handed to every recipient (and to the broker): a broadcast never costs one JSON.stringify per
 * recipient.
 */
import type { AckEvent, Message, ServerEvent } from '../protocol/events.js';
import type { StoredMessage } from './store.js';

/** The public id of a message: stable, derived from where it lives (room id and seq). */
export function msgIdOf(roomId: number, seq: number): string {
  return `${roomId.toString(36)}-${seq.toString(36)}`;
}

export function toWireMessage(message: StoredMessage): Message {
  return {
    room: message.room,
    seq: message.seq,
    msgId: msgIdOf(message.roomId, message.seq),
    from: message.sender,
    text: message.text,
    ts: new Date(message.createdAt).toISOString(),
    clientMsgId: message.clientMsgId,
  };
}

export function serialize(event: ServerEvent): string {
  return JSON.stringify(event);
}

export function messageFrame(message: StoredMessage): string {
  return serialize({ type: 'message', ...toWireMessage(message) });
}

/**
 * An `error` event; `id` echoes the command's id when it had one, `retryAfter` (seconds) says
 * when a `rate_limited` command may be tried again.
 */
export function errorFrame(code: string, message: string, id: string | undefined, retryAfter?: number): string {
  return serialize({
    type: 'error',
    ...(id === undefined ? {} : { id }),
    code,
    message,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

/** An `ack` event echoing the command's id. */
export function ackFrame(id: string | undefined, fields: Omit<AckEvent, 'type' | 'id'>): string {
  return serialize(id === undefined ? { type: 'ack', ...fields } : { type: 'ack', id, ...fields });
}
