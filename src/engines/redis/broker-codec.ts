/**
 * The wire form of a `BrokerMessage` on Redis: one header line of `|`-separated fields, tagged
 * with the publishing node's id, then (for some kinds) a body after the first newline.
 *
 *   room        r|<node>|<seq>|<exceptUserId or empty>|<volatile: 1, 0 or empty>|<room as JSON>\n<frame>
 *   membership  m|<node>|<userId>|<roomId>|<j or l>|<lastSeq>|<room as JSON>
 *   presence    p|<node>\n<{"userId","username","status","availability"?,"self"?,"rooms"} as JSON>
 *
 * Room broadcasts are the hot path: their frame is already a JSON string and travels as it is
 * (never escaped a second time), so it may hold anything, newlines and pipes included. The room
 * key is the header's last field and JSON-quoted, so it may hold anything too. A change of format
 * takes a new tag letter; a node drops what it cannot read (`decodeBrokerMessage` → undefined).
 */
import type { BrokerMessage, MembershipChange, PresenceChange, RoomBroadcast } from '../../core/broker.js';
import { isAvailability } from '../../protocol/availability.js';

/** A message read off the wire, with the node that published it. */
export interface DecodedBrokerMessage {
  readonly nodeId: string;
  readonly message: BrokerMessage;
}

export function encodeBrokerMessage(nodeId: string, message: BrokerMessage): string {
  switch (message.kind) {
    case 'room': {
      const except = message.exceptUserId === undefined ? '' : integer(message.exceptUserId, 'exceptUserId');
      const volatile = message.volatile === undefined ? '' : message.volatile ? '1' : '0';
      return `r|${nodeId}|${integer(message.seq, 'seq')}|${except}|${volatile}|${JSON.stringify(message.room)}\n${message.frame}`;
    }
    case 'membership': {
      const action = message.action === 'joined' ? 'j' : 'l';
      return `m|${nodeId}|${integer(message.userId, 'userId')}|${integer(message.roomId, 'roomId')}|${action}|${integer(message.lastSeq, 'lastSeq')}|${JSON.stringify(message.room)}`;
    }
    case 'presence': {
      const { userId, username, status, availability, self, rooms } = message;
      return `p|${nodeId}\n${JSON.stringify({ userId, username, status, availability, self, rooms })}`;
    }
  }
}

export function decodeBrokerMessage(payload: string): DecodedBrokerMessage | undefined {
  const newline = payload.indexOf('\n');
  const header = newline < 0 ? payload : payload.slice(0, newline);
  const body = newline < 0 ? undefined : payload.slice(newline + 1);
  switch (header.charAt(0)) {
    case 'r': {
      const fields = splitFields(header, 6);
      if (fields === undefined || body === undefined) return undefined;
      const [, nodeId, seqField, exceptField, volatileField, roomField] = fields;
      const seq = parseInteger(seqField);
      const room = parseJsonString(roomField);
      if (!nodeId || seq === undefined || room === undefined) return undefined;
      let message: RoomBroadcast = { kind: 'room', room, seq, frame: body };
      if (exceptField !== '') {
        const exceptUserId = parseInteger(exceptField);
        if (exceptUserId === undefined) return undefined;
        message = { ...message, exceptUserId };
      }
      if (volatileField === '1' || volatileField === '0') message = { ...message, volatile: volatileField === '1' };
      else if (volatileField !== '') return undefined;
      return { nodeId, message };
    }
    case 'm': {
      const fields = splitFields(header, 7);
      if (fields === undefined || body !== undefined) return undefined;
      const [, nodeId, userField, roomIdField, actionField, lastSeqField, roomField] = fields;
      const userId = parseInteger(userField);
      const roomId = parseInteger(roomIdField);
      const lastSeq = parseInteger(lastSeqField);
      const room = parseJsonString(roomField);
      if (!nodeId || userId === undefined || roomId === undefined || lastSeq === undefined || room === undefined) return undefined;
      if (actionField !== 'j' && actionField !== 'l') return undefined;
      const message: MembershipChange = { kind: 'membership', userId, room, roomId, action: actionField === 'j' ? 'joined' : 'left', lastSeq };
      return { nodeId, message };
    }
    case 'p': {
      const fields = splitFields(header, 2);
      if (fields === undefined || body === undefined) return undefined;
      const nodeId = fields[1];
      const message = parsePresence(body);
      if (!nodeId || message === undefined) return undefined;
      return { nodeId, message };
    }
    default:
      return undefined;
  }
}

function integer(value: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return String(value);
}

/** The header's fields: `count - 1` split at `|`, the last one the rest of the line. */
function splitFields(header: string, count: number): string[] | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 1; i < count; i++) {
    const bar = header.indexOf('|', start);
    if (bar < 0) return undefined;
    fields.push(header.slice(start, bar));
    start = bar + 1;
  }
  fields.push(header.slice(start));
  return fields;
}

function parseInteger(field: string | undefined): number | undefined {
  if (field === undefined || !/^\d{1,16}$/.test(field)) return undefined;
  const value = Number(field);
  return Number.isSafeInteger(value) ? value : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJsonString(field: string | undefined): string | undefined {
  const value = parseJson(field);
  return typeof value === 'string' ? value : undefined;
}

function parsePresence(body: string): PresenceChange | undefined {
  const value = parseJson(body);
  if (typeof value !== 'object' || value === null) return undefined;
  const { userId, username, status, availability, self, rooms } = value as Record<string, unknown>;
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || typeof username !== 'string') return undefined;
  if (status !== 'online' && status !== 'offline') return undefined;
  if (!Array.isArray(rooms) || !rooms.every((room): room is string => typeof room === 'string')) return undefined;
  let message: PresenceChange = { kind: 'presence', userId, username, status, rooms };
  // Absent from older nodes' messages; an unknown value is dropped rather than the whole message.
  if (isAvailability(availability)) message = { ...message, availability };
  if (self === true) message = { ...message, self };
  return message;
}
