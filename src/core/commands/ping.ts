/** `ping`: answered with `pong`, for clients that measure latency or keep a proxy awake. */
import { pingCommand } from '../../protocol/commands.js';
import { serialize } from '../frames.js';
import { defineCommand } from './command.js';

export const ping = defineCommand({
  type: 'ping',
  schema: pingCommand,
  needs: { hello: true },
  handle: async ({ session }, command) => {
    session.reply(serialize(command.id === undefined ? { type: 'pong' } : { type: 'pong', id: command.id }));
  },
});
