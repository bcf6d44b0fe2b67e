/**
 * The sign-up form's password-strength meter: zxcvbn's score as words and a bar, with its
 * warning and a suggestion, updated as the user types and announced politely. The estimator and
 * its dictionaries load in their own chunk, on first use, so the app's main bundle stays small.
 * The server checks again on registration (`weak_password`), with the same estimator.
 */
import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_PASSWORD_MIN_SCORE } from '../../../src/protocol/limits.js';
import type { PasswordEstimate, estimatePassword } from '../../../src/protocol/password-strength.js';
import './password-meter.css';

interface Estimator {
  readonly estimatePassword: typeof estimatePassword;
}

let loading: Promise<Estimator> | undefined;
/** The estimator's chunk, fetched once. */
function loadEstimator(): Promise<Estimator> {
  loading ??= import('../../../src/protocol/password-strength.js');
  return loading;
}

const WORDS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

export interface PasswordMeterProps {
  readonly password: string;
  /** Counts against the password: one built on the username is weaker. */
  readonly username: string;
  /** The id of the text, for the password field's `aria-describedby`. */
  readonly id: string;
}

export function PasswordMeter({ password, username, id }: PasswordMeterProps) {
  const [estimate, setEstimate] = useState<PasswordEstimate | undefined>(undefined);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (password === '') {
      setEstimate(undefined);
      return undefined;
    }
    // A short pause after the last key: no estimate (nor announcement) per keystroke.
    let current = true;
    const timer = window.setTimeout(() => {
      loadEstimator().then(
        (estimator) => {
          if (current) setEstimate(estimator.estimatePassword(password, [username]));
        },
        () => setFailed(true),
      );
    }, 150);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [password, username]);

  if (failed) return null; // the server still checks; the meter is a help, not the rule
  const shown = password === '' ? undefined : estimate;
  const enough = shown !== undefined && shown.score >= DEFAULT_PASSWORD_MIN_SCORE;
  const advice = shown === undefined || enough ? undefined : [shown.warning, shown.suggestions[0]].filter((part) => part !== undefined).join(' ');
  return (
    <div class="password-meter" data-score={shown?.score ?? ''}>
      <div class="password-meter-bar" aria-hidden="true">
        {[0, 1, 2, 3].map((segment) => (
          // Score 0 and 1 both fill one segment: an empty bar would look like no verdict at all.
          <span key={segment} class={shown !== undefined && Math.max(shown.score, 1) > segment ? 'filled' : ''} />
        ))}
      </div>
      <p id={id} class="password-meter-text" role="status" aria-live="polite">
        {shown !== undefined && (
          <>
            <strong>Strength: {WORDS[shown.score]}.</strong> {enough ? 'Good to go.' : advice !== undefined && advice !== '' ? advice : 'Make it longer or less predictable.'}
          </>
        )}
      </p>
    </div>
  );
}
