/**
 * The client's credentials: the access token in use, when it expires, and one renewal at a time
 * (refresh tokens rotate, so two refreshes racing would present a dead token and, by the
 * contract's reuse detection, revoke the whole login).
 */
import { HubbubError } from './errors.js';

/** What the client authenticates with. */
export interface Credentials {
  readonly accessToken: string;
  /** The rotating refresh token (`POST /api/auth/refresh`); absent for operator-signed tokens. */
  readonly refreshToken?: string | undefined;
  /** When the access token expires, in ms since the epoch; read from the JWT's `exp` if omitted. */
  readonly expiresAt?: number | undefined;
}

/** Produces fresh credentials from the current ones (a refresh, or the operator's backend). */
export type Renewer = (current: Credentials) => Promise<Credentials>;

/** The `exp` claim of a JWT in ms, or undefined when the token is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True for a renewal failure that retrying cannot fix: the server refused the refresh token
 * (expired, revoked, reused). Network errors and 5xx answers are worth another try.
 */
export function isFatalAuthError(error: unknown): boolean {
  return error instanceof HubbubError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429;
}

export class TokenKeeper {
  #credentials: Credentials;
  #expiresAt: number | undefined;
  #renewing: Promise<Credentials> | undefined;
  readonly #renewer: Renewer | undefined;

  constructor(credentials: Credentials, renewer: Renewer | undefined) {
    this.#credentials = credentials;
    this.#expiresAt = credentials.expiresAt ?? jwtExpiry(credentials.accessToken);
    this.#renewer = renewer;
  }

  get credentials(): Credentials {
    return this.#credentials;
  }

  get accessToken(): string {
    return this.#credentials.accessToken;
  }

  /** When the access token expires (ms since the epoch), if known. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  get canRenew(): boolean {
    return this.#renewer !== undefined;
  }

  /**
   * How long from `now` until the token should be renewed: `renewBeforeMs` ahead of expiry, or a
   * quarter of the remaining life for short-lived tokens. Undefined when it never needs renewing.
   */
  renewIn(now: number, renewBeforeMs: number): number | undefined {
    if (this.#expiresAt === undefined || this.#renewer === undefined) return undefined;
    const remaining = this.#expiresAt - now;
    return Math.max(0, remaining - Math.min(renewBeforeMs, remaining / 4));
  }

  /** True when the token has expired or will within `marginMs`. */
  isStale(now: number, marginMs = 0): boolean {
    return this.#expiresAt !== undefined && this.#expiresAt - now <= marginMs;
  }

  /** Renews the credentials; concurrent callers share one renewal. */
  renew(): Promise<Credentials> {
    if (this.#renewer === undefined) return Promise.reject(new HubbubError('unauthorized', 'the access token cannot be renewed'));
    const renewer = this.#renewer;
    this.#renewing ??= (async () => {
      try {
        const next = await renewer(this.#credentials);
        this.#credentials = next;
        this.#expiresAt = next.expiresAt ?? jwtExpiry(next.accessToken);
        return next;
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }
}
