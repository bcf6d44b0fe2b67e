/** The `TokenStore` queries: refresh tokens, stored by hash, rotated within a family. */
import type { Kysely } from 'kysely';
import type { RefreshTokenRecord } from '../core/store.js';
import type { Database } from './schema.js';
import { toRefreshTokenRecord } from './rows.js';

/** The fields of a new token (the store assigns the id; a new token is unused, unrevoked). */
export type NewRefreshToken = Omit<RefreshTokenRecord, 'id' | 'usedAt' | 'revokedAt'>;

/** Stores a new refresh token. */
export async function createRefreshToken(db: Kysely<Database>, record: NewRefreshToken, now: number): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      family_id: record.familyId,
      user_id: record.userId,
      token_hash: record.tokenHash,
      expires_at: record.expiresAt,
      used_at: null,
      revoked_at: null,
      created_at: now,
    })
    .execute();
}

/** The token with this hash, whatever its state (the caller judges expiry and reuse). */
export async function findRefreshToken(db: Kysely<Database>, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
  const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && toRefreshTokenRecord(row);
}

/**
 * Marks the token used if it was not: a conditional UPDATE, so of two concurrent refreshes
 * with the same token exactly one sees true.
 */
export async function markRefreshTokenUsed(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes every token of the family; tokens already revoked keep their first revocation time. */
export async function revokeRefreshFamily(db: Kysely<Database>, familyId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}
