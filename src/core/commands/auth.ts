/** `auth`: renews a live connection's access token, so it outlives the first token. */
import type { AuthCommand } from '../../protocol/commands.js';
import { HubError } from '../errors.js';
import type { Hub } from '../hub.js';
import type { Session } from '../session.js';
import { ackFrame } from './ack.js';
import { armTokenExpiry } from './token-expiry.js';

export async function handleAuth(hub: Hub, session: Session, command: AuthCommand): Promise<void> {
  const verified = await hub.tokens.verify(command.token);
  if (verified.user.id !== session.user?.id) throw new HubError('forbidden', 'the token belongs to another user');
  armTokenExpiry(hub, session, verified.expiresAt);
  session.reply(ackFrame(command.id, { expiresAt: new Date(verified.expiresAt).toISOString() }));
}
