/**
 * Access tokens: JWTs signed HS256 with `JWT_SECRET`, claims `sub` (the username), `iat` and
 * `exp`, as the wire contract specifies. Tokens signed by an operator's own backend with the
 * same secret verify the same way. Tokens hubbub signs also carry `uid` (the account id) and
 * `gen` (the account's token generation), which bind them to one state of one account rather
 * than to whoever holds the name.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { HubError } from '../core/errors.js';
import { USERNAME_PATTERN } from '../protocol/names.js';

/** A freshly signed access token. */
export interface SignedAccessToken {
  readonly token: string;
  /** Seconds until it expires, as the session response's `expiresIn`. */
  readonly expiresIn: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** The account a token is signed for. */
export interface TokenSubject {
  readonly id: number;
  readonly username: string;
  readonly tokenGeneration: number;
}

/** The claims naming the account in a token hubbub signed (absent from external tokens). */
const ACCOUNT_ID_CLAIM = 'uid';
const TOKEN_GENERATION_CLAIM = 'gen';

/** What a valid access token says. */
export interface VerifiedAccessToken {
  readonly username: string;
  /**
   * The account and its token generation, for a token hubbub signed; undefined for an external
   * token (the operator's backend vouches for a username only).
   */
  readonly account: { readonly id: number; readonly tokenGeneration: number } | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** How `AccessTokens` signs and checks. */
export interface AccessTokensOptions {
  /** The HS256 secret (at least 32 characters; see `resolveJwtSecret`). */
  readonly secret: string;
  readonly ttlSeconds: number;
  /** Epoch milliseconds; injectable so tests can travel in time. */
  readonly clock?: () => number;
  /** Leeway for `exp`, for tokens from backends whose clocks drift a little. Default 5 s. */
  readonly clockToleranceSeconds?: number;
}

/** Longer than any token we sign or that a sane issuer would; refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

/** Signs and verifies access tokens. Errors are `HubError('unauthorized')` and never quote the token. */
export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;
  readonly #clock: () => number;
  readonly #clockTolerance: number;

  constructor(options: AccessTokensOptions) {
    this.#key = new TextEncoder().encode(options.secret);
    this.#ttlSeconds = options.ttlSeconds;
    this.#clock = options.clock ?? Date.now;
    this.#clockTolerance = options.clockToleranceSeconds ?? 5;
  }

  /** A token for the account, valid for the configured lifetime from now. */
  async sign(subject: TokenSubject): Promise<SignedAccessToken> {
    const issuedAt = Math.floor(this.#clock() / 1000);
    const expiresAtSeconds = issuedAt + this.#ttlSeconds;
    const token = await new SignJWT({ [ACCOUNT_ID_CLAIM]: subject.id, [TOKEN_GENERATION_CLAIM]: subject.tokenGeneration })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject.username)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.#key);
    return { token, expiresIn: this.#ttlSeconds, expiresAt: expiresAtSeconds * 1000 };
  }

  /**
   * The username, account and expiry of a valid token. Rejects any algorithm but HS256
   * (including `none`), a bad signature, an expired token, a missing or malformed `sub` or
   * `exp`, and a malformed `uid` or `gen` (or one without the other).
   */
  async verify(token: string): Promise<VerifiedAccessToken> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.#clock()),
        clockTolerance: this.#clockTolerance,
      }));
    } catch (error) {
      // Whatever jose objects to (it throws TypeErrors too, for some malformed input), the
      // caller gets our own wording, so no library message can ever echo the token.
      if (error instanceof errors.JWTExpired) throw new HubError('unauthorized', 'access token expired');
      throw invalid();
    }
    const { sub, exp, [ACCOUNT_ID_CLAIM]: id, [TOKEN_GENERATION_CLAIM]: generation } = payload;
    if (typeof sub !== 'string' || !USERNAME_PATTERN.test(sub) || typeof exp !== 'number') throw invalid();
    if (id === undefined && generation === undefined) return { username: sub, account: undefined, expiresAt: exp * 1000 };
    if (!isCount(id) || id === 0 || !isCount(generation)) throw invalid();
    return { username: sub, account: { id, tokenGeneration: generation }, expiresAt: exp * 1000 };
  }
}

/** A non-negative safe integer. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function invalid(): HubError {
  return new HubError('unauthorized', 'invalid access token');
}
