/** Builds `ack` frames, echoing the command id. */
import type { AckEvent } from '../../protocol/events.js';
import { serialize } from '../frames.js';

export function ackFrame(id: string | undefined, fields: Omit<AckEvent, 'type' | 'id'>): string {
  return serialize(id === undefined ? { type: 'ack', ...fields } : { type: 'ack', id, ...fields });
}
