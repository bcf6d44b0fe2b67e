/** `auth`: renews a live connection's access token, so it outlives the first token. */
import { authCommand } from '../../protocol/commands.js';
import { HubError } from '../errors.js';
import { ackFrame } from '../frames.js';
import { defineCommand } from './command.js';

export const auth = defineCommand({
  type: 'auth',
  schema: authCommand,
  needs: { hello: true },
  handle: async ({ session, user, services }, command) => {
    const verified = await services.tokens.verify(command.token);
    if (verified.user.id !== user.id) throw new HubError('forbidden', 'the token belongs to another user');
    session.renewToken(verified.expiresAt);
    session.reply(ackFrame(command.id, { expiresAt: new Date(verified.expiresAt).toISOString() }));
  },
});
