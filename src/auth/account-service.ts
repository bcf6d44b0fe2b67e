/**
 * Accounts and sessions: register, login, refresh, logout, and turning an access token into a
 * user (creating users that an operator's backend vouches for, when `EXTERNAL_TOKENS` allows).
 */
import type { Config } from '../config/config.js';
import { HubError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { TokenStore, UserRecord, UserStore } from '../core/store.js';
import type { SessionTokens } from '../protocol/http.js';
import type { AccessTokens } from './access-tokens.js';
import type { PasswordPolicy } from './password-policy.js';
import { dummyVerify, hashPassword, verifyPassword } from './passwords.js';
import type { RefreshTokens } from './refresh-tokens.js';

/** What `AccountService` needs. */
export interface AccountServiceDeps {
  readonly store: UserStore & TokenStore;
  readonly accessTokens: AccessTokens;
  readonly refreshTokens: RefreshTokens;
  readonly config: Pick<Config, 'externalTokens'>;
  readonly logger: Logger;
  /** Which new passwords are strong enough. */
  readonly passwordPolicy: PasswordPolicy;
  /** Epoch milliseconds. */
  readonly clock?: () => number;
}

/** A user and the expiry of the access token that identified them. */
export interface AuthenticatedUser {
  readonly user: UserRecord;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** The account operations behind `/api/auth/*`, `/api/me` and WebSocket authentication. */
export class AccountService {
  readonly #store: UserStore & TokenStore;
  readonly #accessTokens: AccessTokens;
  readonly #refreshTokens: RefreshTokens;
  readonly #externalTokens: boolean;
  readonly #logger: Logger;
  readonly #passwordPolicy: PasswordPolicy;
  readonly #clock: () => number;

  constructor(deps: AccountServiceDeps) {
    this.#store = deps.store;
    this.#accessTokens = deps.accessTokens;
    this.#refreshTokens = deps.refreshTokens;
    this.#externalTokens = deps.config.externalTokens;
    this.#logger = deps.logger;
    this.#passwordPolicy = deps.passwordPolicy;
    this.#clock = deps.clock ?? Date.now;
  }

  /**
   * Creates a user with a password and logs them in. `weak_password` if the password is too
   * guessable (checked first: it costs milliseconds, the hash tens of them), `username_taken`
   * if the name exists (any case).
   */
  async register(username: string, password: string): Promise<SessionTokens> {
    this.#passwordPolicy.check(password, username);
    const passwordHash = await hashPassword(password);
    const user = await this.#store.createUser(username, passwordHash, this.#clock());
    if (user === undefined) throw new HubError('username_taken', 'that username is taken');
    this.#logger.info({ userId: user.id, username: user.username }, 'user registered');
    return this.#startSession(user);
  }

  /**
   * Starts a session. Unknown user, wrong password and a user without a password (created from
   * an external token) all fail alike, in about the same time, so nobody can probe usernames.
   */
  async login(username: string, password: string): Promise<SessionTokens> {
    const user = await this.#store.findUserByName(username);
    if (user === undefined || user.passwordHash === null) {
      await dummyVerify();
      throw invalidCredentials();
    }
    if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
    return this.#startSession(user);
  }

  /** Rotates a refresh token into a new token pair (see `RefreshTokens.rotate` for failures). */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const rotated = await this.#refreshTokens.rotate(refreshToken);
    const user = await this.#store.findUserById(rotated.userId);
    if (user === undefined) throw new HubError('unauthorized', 'the account no longer exists');
    // The account as it is now: after a bump of its token generation, the new generation.
    const access = await this.#accessTokens.sign(user);
    return sessionTokens(user, access.token, rotated.token, access.expiresIn);
  }

  /** Ends the login `refreshToken` belongs to. Succeeds for unknown tokens too: the session is gone either way. */
  async logout(refreshToken: string): Promise<void> {
    await this.#refreshTokens.revoke(refreshToken);
  }

  /** The user an access token names; see `authenticateToken`. */
  async authenticate(accessToken: string): Promise<UserRecord> {
    return (await this.authenticateToken(accessToken)).user;
  }

  /**
   * Verifies an access token and finds its user. A token hubbub signed names an account: it
   * must still exist, under the same username, at the same token generation, or the token is
   * `unauthorized` (a deleted account whose name was registered again, a bumped generation).
   * A token without an account was signed by the operator's backend and names a username: a
   * user hubbub has not seen is created (without a password) with `EXTERNAL_TOKENS`, otherwise
   * it is `unauthorized`. The token's expiry comes along for WebSocket sessions, which must be
   * renewed before it.
   */
  async authenticateToken(accessToken: string): Promise<AuthenticatedUser> {
    const { username, account, expiresAt } = await this.#accessTokens.verify(accessToken);
    if (account !== undefined) {
      const user = await this.#store.findUserById(account.id);
      // One answer for every mismatch: the holder learns nothing about the account.
      if (user === undefined || user.username !== username || user.tokenGeneration !== account.tokenGeneration) {
        throw new HubError('unauthorized', 'access token revoked');
      }
      return { user, expiresAt };
    }
    const existing = await this.#store.findUserByName(username);
    if (existing !== undefined) return { user: existing, expiresAt };
    if (!this.#externalTokens) throw new HubError('unauthorized', 'unknown user');
    const created = await this.#store.createUser(username, null, this.#clock());
    if (created !== undefined) {
      this.#logger.info({ userId: created.id, username: created.username }, 'user created from an external token');
      return { user: created, expiresAt };
    }
    // Another request created the same user between our lookup and our insert: use theirs.
    const raced = await this.#store.findUserByName(username);
    if (raced === undefined) throw new HubError('unauthorized', 'unknown user');
    return { user: raced, expiresAt };
  }

  async #startSession(user: UserRecord): Promise<SessionTokens> {
    const access = await this.#accessTokens.sign(user);
    const refresh = await this.#refreshTokens.issue(user.id);
    return sessionTokens(user, access.token, refresh.token, access.expiresIn);
  }
}

function sessionTokens(user: UserRecord, accessToken: string, refreshToken: string, expiresIn: number): SessionTokens {
  return { user: { id: user.id, username: user.username }, accessToken, refreshToken, expiresIn };
}

function invalidCredentials(): HubError {
  return new HubError('invalid_credentials', 'invalid username or password');
}
