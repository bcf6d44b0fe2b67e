/**
 * The signed-in session, kept in localStorage so a reload stays signed in. The refresh token
 * rotates on every use; tabs share one session, so a refresh takes a cross-tab lock and first
 * looks whether another tab has just rotated it (presenting a rotated token again would revoke
 * the whole login).
 */
import type { SessionTokens } from '../../src/protocol/http.js';
import type { Credentials } from '../../src/client/token-keeper.js';
import { HubbubHttp } from '../../src/client/http-client.js';

export interface StoredSession {
  readonly username: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  readonly expiresAt: number;
}

const KEY = 'hubbub.session';

export function loadSession(): StoredSession | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.username !== 'string' || typeof parsed.refreshToken !== 'string' || typeof parsed.accessToken !== 'string') return undefined;
    return { username: parsed.username, accessToken: parsed.accessToken, refreshToken: parsed.refreshToken, expiresAt: Number(parsed.expiresAt ?? 0) };
  } catch {
    return undefined;
  }
}

export function saveSession(session: StoredSession): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

export function sessionFromTokens(tokens: SessionTokens): StoredSession {
  return {
    username: tokens.user.username,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  };
}

export function updateSession(username: string, credentials: Credentials): StoredSession | undefined {
  if (credentials.refreshToken === undefined) return undefined;
  const session: StoredSession = {
    username,
    accessToken: credentials.accessToken,
    refreshToken: credentials.refreshToken,
    expiresAt: credentials.expiresAt ?? 0,
  };
  saveSession(session);
  return session;
}

export async function signIn(mode: 'login' | 'register', username: string, password: string): Promise<StoredSession> {
  const http = new HubbubHttp(location.origin);
  const tokens = mode === 'login' ? await http.login(username, password) : await http.register(username, password);
  const session = sessionFromTokens(tokens);
  saveSession(session);
  return session;
}

export async function signOut(session: StoredSession | undefined): Promise<void> {
  clearSession();
  if (session === undefined) return;
  // Revokes the login on the server; best-effort (offline, the token simply expires).
  await new HubbubHttp(location.origin).logout(session.refreshToken).catch(() => {});
}

/** Runs `task` holding the session lock of every tab of this origin (where the browser has locks). */
function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks === undefined ? task() : locks.request('hubbub.refresh', task);
}

/** The SDK's `refresh` hook: one tab at a time, and never a token another tab already rotated. */
export function refreshAcrossTabs(refreshToken: string, http: HubbubHttp): Promise<SessionTokens> {
  return withLock(async () => {
    const stored = loadSession();
    if (stored !== undefined && stored.refreshToken !== refreshToken && stored.expiresAt - Date.now() > 30_000) {
      // Another tab rotated the pair meanwhile: use its result.
      return {
        user: { id: 0, username: stored.username },
        accessToken: stored.accessToken,
        refreshToken: stored.refreshToken,
        expiresIn: Math.floor((stored.expiresAt - Date.now()) / 1000),
      };
    }
    const tokens = await http.refresh(refreshToken);
    saveSession(sessionFromTokens({ ...tokens, user: { ...tokens.user, username: stored?.username ?? tokens.user.username } }));
    return tokens;
  });
}
