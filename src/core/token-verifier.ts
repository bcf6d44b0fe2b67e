/** How the hub turns an access token into a user; the auth module implements it. */
import type { UserRecord } from './store.js';

export interface VerifiedToken {
  readonly user: UserRecord;
  /** Epoch ms when the token stops being valid. */
  readonly expiresAt: number;
}

export interface TokenVerifier {
  /** Resolves the token's user, or rejects with HubError('unauthorized'). */
  verify(token: string): Promise<VerifiedToken>;
}
