/**
 * Refresh tokens: opaque random strings, stored only as SHA-256 hashes, rotated on every use.
 * Each login starts a family; presenting a token that was already used (or revoked) means a copy
 * leaked, so the whole family is revoked and the caller gets `token_reused`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { HubError } from '../core/errors.js';
import type { TokenStore } from '../core/store.js';

/** A refresh token as handed to the client, once; only its hash is kept. */
export interface IssuedRefreshToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** The result of a successful rotation: whose token it was, and its replacement. */
export interface RotatedRefreshToken extends IssuedRefreshToken {
  readonly userId: number;
}

/** How `RefreshTokens` issues. */
export interface RefreshTokensOptions {
  readonly ttlSeconds: number;
  /** Epoch milliseconds. */
  readonly clock?: () => number;
}

/** The stored form of a token: its SHA-256, hex. A database leak then yields no usable token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues, rotates and revokes refresh tokens through a `TokenStore`. */
export class RefreshTokens {
  readonly #store: TokenStore;
  readonly #ttlMs: number;
  readonly #clock: () => number;

  constructor(store: TokenStore, options: RefreshTokensOptions) {
    this.#store = store;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#clock = options.clock ?? Date.now;
  }

  /** A new token for `userId`: the first of a new family (a login), or the next of `familyId`. */
  async issue(userId: number, familyId: string = randomUUID()): Promise<IssuedRefreshToken> {
    const now = this.#clock();
    // 32 random bytes: unguessable, and too long for any brute force against the hash.
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.#ttlMs;
    await this.#store.createRefreshToken({ familyId, userId, tokenHash: hashRefreshToken(token), expiresAt }, now);
    return { token, expiresAt };
  }

  /**
   * Spends `token` and returns its successor in the same family. Unknown or expired:
   * `unauthorized`. Already used or revoked: the family is revoked, `token_reused`.
   */
  async rotate(token: string): Promise<RotatedRefreshToken> {
    const now = this.#clock();
    const tokenHash = hashRefreshToken(token);
    const record = await this.#store.findRefreshToken(tokenHash);
    if (record === undefined) throw new HubError('unauthorized', 'unknown refresh token');
    if (record.usedAt !== null || record.revokedAt !== null) {
      await this.#store.revokeRefreshFamily(record.familyId, now);
      throw reused();
    }
    if (record.expiresAt <= now) throw new HubError('unauthorized', 'refresh token expired');
    // The conditional update is the real check: of two concurrent refreshes with the same
    // token, only one can mark it used; the other is treated as reuse.
    if (!(await this.#store.markRefreshTokenUsed(record.id, now))) {
      await this.#store.revokeRefreshFamily(record.familyId, now);
      throw reused();
    }
    const next = await this.issue(record.userId, record.familyId);
    // A racing reuse may have revoked the family between our mark and our insert, and so missed
    // the token we just created. The revocation marks the spent token too, so look again.
    const after = await this.#store.findRefreshToken(tokenHash);
    if (after === undefined || after.revokedAt !== null) {
      await this.#store.revokeRefreshFamily(record.familyId, this.#clock());
      throw reused();
    }
    return { ...next, userId: record.userId };
  }

  /** Revokes the family of `token` (logout). An unknown token is not an error: the goal is met. */
  async revoke(token: string): Promise<void> {
    const record = await this.#store.findRefreshToken(hashRefreshToken(token));
    if (record !== undefined) await this.#store.revokeRefreshFamily(record.familyId, this.#clock());
  }
}

function reused(): HubError {
  return new HubError('token_reused', 'refresh token was already used; every token of this login is revoked');
}
