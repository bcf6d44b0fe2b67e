/**
 * The password rule for new passwords: zxcvbn's score must reach `PASSWORD_MIN_SCORE`, with the
 * username counted as something an attacker knows. Weak passwords are refused with
 * `weak_password` and zxcvbn's reasons in plain words. (The length rule, 8-256 characters, is
 * the request schema's.)
 */
import { HubError } from '../core/errors.js';
import { estimatePassword, describeWeakPassword, passwordEstimator, type PasswordEstimate } from '../protocol/password-strength.js';

/** What `PasswordPolicy` needs. */
export interface PasswordPolicyOptions {
  /** 0-4; 0 skips the estimate (the length rule alone applies). */
  readonly minScore: number;
}

/** Checks new passwords against the minimum score; one per server, built at start-up. */
export class PasswordPolicy {
  readonly #minScore: number;

  constructor(options: PasswordPolicyOptions) {
    this.#minScore = options.minScore;
    // Build the estimator (and rank its dictionaries) now, not in the first registration.
    if (this.#minScore > 0) passwordEstimator();
  }

  /**
   * Throws `weak_password` when `password` scores below the minimum for `username`. The
   * password is neither logged nor echoed: the message holds zxcvbn's advice only.
   */
  check(password: string, username: string): void {
    if (this.#minScore === 0) return;
    const estimate: PasswordEstimate = estimatePassword(password, [username]);
    if (estimate.score >= this.#minScore) return;
    throw new HubError('weak_password', `password too weak: ${describeWeakPassword(estimate)}`);
  }
}
