/** `history`: a page of a readable room's messages, before or after a seq. */
import { DEFAULT_HISTORY_LIMIT, historyCommand } from '../../protocol/commands.js';
import { serialize } from '../frames.js';
import { defineCommand } from './command.js';

export const history = defineCommand({
  type: 'history',
  schema: historyCommand,
  needs: { hello: true },
  rate: 'history',
  handle: async ({ session, user, services }, command) => {
    const page = await services.rooms.history(user, command.room, {
      before: command.before,
      after: command.after,
      limit: command.limit ?? DEFAULT_HISTORY_LIMIT,
    });
    const id = command.id === undefined ? {} : { id: command.id };
    session.reply(serialize({ type: 'history', ...id, room: command.room, messages: page.messages, hasMore: page.hasMore }));
  },
});
