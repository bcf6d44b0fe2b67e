/** Conversions from table rows (snake_case, as the driver returns them) to the core's records. */
import type { Selectable } from 'kysely';
import type { RefreshTokenRecord, RoomRecord, StoredMessage, UserRecord } from '../core/store.js';
import { DEFAULT_AVAILABILITY, isAvailability } from '../protocol/availability.js';
import type { MessagesTable, RefreshTokensTable, RoomsTable, UsersTable } from './schema.js';

/** A users row as a `UserRecord`. */
export function toUserRecord(row: Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    tokenGeneration: row.token_generation,
    // The check constraint holds it to these values; anything else reads as the default.
    availability: isAvailability(row.availability) ? row.availability : DEFAULT_AVAILABILITY,
    lastSeenAt: row.last_seen_at,
  };
}

/** The users columns a `UserRecord` is made of. */
export const USER_COLUMNS = ['id', 'username', 'password_hash', 'created_at', 'token_generation', 'availability', 'last_seen_at'] as const;

/** A rooms row as a `RoomRecord`. */
export function toRoomRecord(row: Selectable<RoomsTable>): RoomRecord {
  return { id: row.id, key: row.key, visibility: row.visibility, lastSeq: row.last_seq, createdAt: row.created_at };
}

/** A refresh_tokens row as a `RefreshTokenRecord`. */
export function toRefreshTokenRecord(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
  };
}

/** The rooms columns, qualified for queries that join rooms as `r`. */
export const ROOM_COLUMNS = ['r.id', 'r.key', 'r.visibility', 'r.last_seq', 'r.created_at'] as const;

/**
 * The columns of a stored message, qualified for queries that join messages as `m` with its
 * room as `r` and its sender as `u`.
 */
export const MESSAGE_COLUMNS = ['m.room_id', 'r.key', 'm.seq', 'm.sender_id', 'u.username', 'm.text', 'm.created_at', 'm.client_msg_id'] as const;

/** A row of `MESSAGE_COLUMNS`. */
export type MessageRow = Selectable<MessagesTable> & Pick<Selectable<RoomsTable>, 'key'> & Pick<Selectable<UsersTable>, 'username'>;

/** A row of `MESSAGE_COLUMNS` as a `StoredMessage`. */
export function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    roomId: row.room_id,
    room: row.key,
    seq: row.seq,
    senderId: row.sender_id,
    sender: row.username,
    text: row.text,
    createdAt: row.created_at,
    clientMsgId: row.client_msg_id,
  };
}
