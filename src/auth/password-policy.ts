/**
 * The password rule for new passwords: zxcvbn's score must reach `PASSWORD_MIN_SCORE`, with the
 * username counted as something an attacker knows. Weak passwords are refused with
 * `weak_password` and zxcvbn's reasons in plain words. (The length rule, 8-256 characters, is
 * the request schema's.)
 */
import { HubError } from '../core/errors.js';
import type * as Strength from '../protocol/password-strength.js';

/** What `PasswordPolicy` needs. */
export interface PasswordPolicyOptions {
  /** 0-4; 0 skips the estimate (the length rule alone applies). */
  readonly minScore: number;
}

/** Checks new passwords against the minimum score; one per server, made at start-up by `load`. */
export class PasswordPolicy {
  readonly #minScore: number;
  readonly #strength: typeof Strength | undefined;

  /**
   * Loads the estimator and ranks its dictionaries (about 100 ms), once, at start-up rather than
   * in the first registration. Imported here, not at the top: the CLI's other commands (`chat`,
   * `tail`, `config`) load the server's modules too, and need none of zxcvbn's dictionaries.
   */
  static async load(options: PasswordPolicyOptions): Promise<PasswordPolicy> {
    if (options.minScore === 0) return new PasswordPolicy(0, undefined);
    const strength = await import('../protocol/password-strength.js');
    strength.passwordEstimator();
    return new PasswordPolicy(options.minScore, strength);
  }

  private constructor(minScore: number, strength: typeof Strength | undefined) {
    this.#minScore = minScore;
    this.#strength = strength;
  }

  /**
   * Throws `weak_password` when `password` scores below the minimum for `username`. The
   * password is neither logged nor echoed: the message holds zxcvbn's advice only.
   */
  check(password: string, username: string): void {
    if (this.#strength === undefined) return;
    const estimate = this.#strength.estimatePassword(password, [username]);
    if (estimate.score >= this.#minScore) return;
    throw new HubError('weak_password', `password too weak: ${this.#strength.describeWeakPassword(estimate)}`);
  }
}
