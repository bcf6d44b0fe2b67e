/** Closes a session whose access token runs out without being renewed by `auth` (4010). */
import { CLOSE_CODES } from '../../protocol/codes.js';
import type { Hub } from '../hub.js';
import type { Session } from '../session.js';

/** setTimeout's largest delay; longer tokens are re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

export function armTokenExpiry(hub: Hub, session: Session, expiresAt: number): void {
  session.tokenExpiresAt = expiresAt;
  if (session.expiryTimer !== undefined) clearTimeout(session.expiryTimer);
  const delay = expiresAt - hub.now();
  if (delay <= 0) {
    expire(hub, session);
    return;
  }
  session.expiryTimer = setTimeout(() => {
    if (hub.now() >= session.tokenExpiresAt) expire(hub, session);
    else armTokenExpiry(hub, session, session.tokenExpiresAt);
  }, Math.min(delay, MAX_TIMER_MS));
  session.expiryTimer.unref();
}

function expire(hub: Hub, session: Session): void {
  session.close(CLOSE_CODES.tokenExpired, 'access token expired');
  hub.closed(session, 'token expired');
}
