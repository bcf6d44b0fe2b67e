/** Sign in or create an account. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { HubbubError } from '../../../src/client/errors.js';
import { PasswordMeter } from '../password-meter/PasswordMeter.js';
import { signIn, type StoredSession } from '../session.js';

export interface AuthScreenProps {
  readonly onSignedIn: (session: StoredSession) => void;
  /** Why the user is here again (the session ended), if so. */
  readonly reason?: string | undefined;
}

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;

function explain(error: unknown): string {
  if (error instanceof HubbubError) {
    switch (error.code) {
      case 'invalid_credentials':
        return 'That username and password do not match.';
      case 'username_taken':
        return 'That username is taken. Try another one.';
      case 'weak_password':
        // The server's reasons (zxcvbn's warning and suggestions), after a plain first sentence.
        return `That password is too easy to guess. ${error.message.replace(/^password too weak:\s*/, '')}`;
      case 'rate_limited':
        return 'Too many attempts. Wait a minute and try again.';
      default:
        return error.message;
    }
  }
  return 'The server cannot be reached. Check your connection and try again.';
}

export function AuthScreen({ onSignedIn, reason }: AuthScreenProps) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(reason);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (mode === 'register' && !USERNAME.test(username)) {
      setError('Usernames are 3–32 characters: letters, digits, _ . -');
      return;
    }
    if (mode === 'register' && password.length < 8) {
      setError('Passwords need at least 8 characters.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(mode, username.trim(), password));
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setBusy(false);
    }
  };

  const registering = mode === 'register';
  // The first thing to type is the name: the cursor waits there on arrival and after switching
  // between signing in and signing up.
  const usernameInput = useRef<HTMLInputElement>(null);
  useEffect(() => usernameInput.current?.focus(), [mode]);
  return (
    <main class="auth">
      <form class="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <div class="brand brand-large" aria-hidden="true">
          <span class="brand-mark">h</span> hubbub
        </div>
        <h1 id="auth-title">{registering ? 'Create your account' : 'Welcome back'}</h1>
        <label class="field">
          <span>Username</span>
          <input
            ref={usernameInput}
            name="username"
            autoComplete="username"
            autoCapitalize="off"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete={registering ? 'new-password' : 'current-password'}
            required
            minLength={registering ? 8 : 1}
            aria-describedby={registering ? 'password-strength' : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {registering && <PasswordMeter password={password} username={username.trim()} id="password-strength" />}
        {error !== undefined && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Please wait…' : registering ? 'Create account' : 'Sign in'}
        </button>
        <p class="auth-switch">
          {registering ? 'Already have an account?' : 'New here?'}{' '}
          <button
            type="button"
            class="link-button"
            onClick={() => {
              setMode(registering ? 'login' : 'register');
              setError(undefined);
            }}
          >
            {registering ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </form>
    </main>
  );
}
