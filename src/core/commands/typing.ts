/**
 * `typing`: relayed to the room's other members, at most once per user and room per interval
 * whatever the value; nothing stored. The session remembers where it is typing so that a
 * send, a leave or a disconnect clears it.
 */
import { typingCommand } from '../../protocol/commands.js';
import { defineCommand } from './command.js';

export const typing = defineCommand({
  type: 'typing',
  schema: typingCommand,
  needs: { hello: true, membership: true },
  handle: async ({ session, services }, command) => {
    services.routing.typing(session, command.room, command.active);
  },
});
