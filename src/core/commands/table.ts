/**
 * The command table: every WebSocket command the hub understands. Adding a command is adding
 * its file and a line here; the dispatcher applies each declaration's schema, needs and rate
 * class, so permissions and limits are visible in one place.
 */
import type { Command } from './command.js';
import { auth } from './auth.js';
import { hello } from './hello.js';
import { history } from './history.js';
import { join } from './join.js';
import { leave } from './leave.js';
import { ping } from './ping.js';
import { read } from './read.js';
import { send } from './send.js';
import { status } from './status.js';
import { typing } from './typing.js';

export const COMMANDS: readonly Command[] = [hello, auth, join, leave, send, history, typing, read, ping, status];
