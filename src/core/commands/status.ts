/**
 * `status` (extension): the user chooses an availability (`active`, `away`, `dnd`). Stored
 * first, so every device and node and the next session see it, then handed to presence, which
 * announces a change once; the hub broadcasts it at most once per user per interval.
 */
import { statusCommand } from '../../protocol/commands.js';
import { HubError } from '../errors.js';
import { ackFrame } from '../frames.js';
import { defineCommand } from './command.js';

export const status = defineCommand({
  type: 'status',
  schema: statusCommand,
  needs: { hello: true },
  handle: async ({ session, user, services }, command) => {
    if (!(await services.store.setAvailability(user.id, command.availability))) {
      throw new HubError('not_found', 'the account no longer exists');
    }
    await services.presence.setAvailability(user.id, command.availability);
    session.reply(ackFrame(command.id, { availability: command.availability }));
  },
});
