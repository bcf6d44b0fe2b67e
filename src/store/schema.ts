/**
 * The tables as Kysely sees them, matching `migrations/`. Times are epoch milliseconds; the
 * PostgreSQL pool parses `bigint` as a JS number, so every numeric column is a `number` here.
 */
import type { Generated } from 'kysely';
import type { RoomVisibility } from '../core/store.js';
import type { Availability } from '../protocol/availability.js';

/** users: one row per account; `username_lower` carries the case-insensitive uniqueness. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  password_hash: string | null;
  created_at: number;
  /** The generation the account's access tokens must carry; raising it revokes them all. */
  token_generation: Generated<number>;
  /** The availability the user chose: `active` (default), `away` or `dnd`. */
  availability: Generated<Availability>;
  /** When the user last went offline (epoch ms); null until the first time. */
  last_seen_at: number | null;
}

/** rooms: `last_seq` is the highest stored `seq`, and its row is the per-room append lock. */
export interface RoomsTable {
  id: Generated<number>;
  key: string;
  visibility: RoomVisibility;
  last_seq: number;
  created_at: number;
}

/** memberships: who is in which room, and how far they have read. */
export interface MembershipsTable {
  room_id: number;
  user_id: number;
  read_seq: number;
  joined_at: number;
}

/** messages: primary key (room_id, seq); unique (room_id, sender_id, client_msg_id). */
export interface MessagesTable {
  room_id: number;
  seq: number;
  sender_id: number;
  text: string;
  created_at: number;
  client_msg_id: string;
}

/** room_activity: joins and leaves of a room, placed after the message `after_seq`. */
export interface RoomActivityTable {
  id: Generated<number>;
  room_id: number;
  user_id: number;
  action: 'joined' | 'left';
  after_seq: number;
  created_at: number;
}

/** refresh_tokens: only the hash of a token is stored. */
export interface RefreshTokensTable {
  id: Generated<number>;
  family_id: string;
  user_id: number;
  token_hash: string;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

/** The whole schema, the type parameter of the store's `Kysely` instance. */
export interface Database {
  users: UsersTable;
  rooms: RoomsTable;
  memberships: MembershipsTable;
  messages: MessagesTable;
  refresh_tokens: RefreshTokensTable;
  room_activity: RoomActivityTable;
}
