/**
 * Routes a session's frames to the command handlers and turns every failure into an `error`
 * event that echoes the command's id. The connection stays open for bad input; only a flood of
 * it, or anything before a successful `hello`, closes it.
 */
import { CLOSE_CODES } from '../../protocol/codes.js';
import type { ClientCommand } from '../../protocol/commands.js';
import { isHubError } from '../errors.js';
import { errorFrame } from '../frames.js';
import type { Hub } from '../hub.js';
import type { Session } from '../session.js';
import { handleAuth } from './auth.js';
import { handleHello } from './hello.js';
import { handleHistory, handleJoin, handleLeave } from './rooms.js';
import { handleRead } from './read.js';
import { handleSend } from './send.js';
import { handleTyping } from './typing.js';
import { parseCommand } from './parse.js';

/** Bad frames tolerated per connection before it is closed with 4008. */
const MAX_BAD_FRAMES = 100;

export function handleFrame(hub: Hub, session: Session, frame: string): void {
  const parsed = parseCommand(frame);
  if (!parsed.ok) {
    hub.observer.command('invalid', 'error');
    session.reply(errorFrame('invalid_request', parsed.message, parsed.id));
    if (session.state === 'awaiting-hello') session.close(CLOSE_CODES.unauthorized, 'expected hello');
    else if (++session.badFrames > MAX_BAD_FRAMES) session.close(CLOSE_CODES.policy, 'too many invalid frames');
    return;
  }
  const command = parsed.command;
  if (session.state === 'awaiting-hello') {
    if (command.type !== 'hello') {
      session.reply(errorFrame('unauthorized', 'the first command must be hello', command.id));
      session.close(CLOSE_CODES.unauthorized, 'expected hello');
      return;
    }
    run(hub, session, command);
    return;
  }
  if (session.state === 'authenticating') {
    // A client may pipeline commands right after hello; they run once it is welcomed.
    if (session.pending.length >= hub.options.maxInFlight) {
      session.reply(errorFrame('rate_limited', 'too many commands before welcome', command.id));
      return;
    }
    session.pending.push(command);
    return;
  }
  run(hub, session, command);
}

/** Runs the commands a session queued while `hello` was being handled. */
export function runPending(hub: Hub, session: Session): void {
  const pending = session.pending;
  session.pending = [];
  for (const command of pending) run(hub, session, command);
}

function run(hub: Hub, session: Session, command: ClientCommand): void {
  if (session.inFlight >= hub.options.maxInFlight) {
    hub.observer.command(command.type, 'error');
    session.reply(errorFrame('rate_limited', 'too many commands in flight; wait for answers', command.id));
    return;
  }
  session.inFlight++;
  execute(hub, session, command).then(
    () => {
      session.inFlight--;
      hub.observer.command(command.type, 'ok');
    },
    (error: unknown) => {
      session.inFlight--;
      hub.observer.command(command.type, 'error');
      if (isHubError(error)) {
        session.reply(errorFrame(error.code, error.message, command.id));
        return;
      }
      hub.logger.error({ err: error, command: command.type, sessionId: session.id }, 'command failed');
      session.reply(errorFrame('internal', 'internal error', command.id));
    },
  );
}

function execute(hub: Hub, session: Session, command: ClientCommand): Promise<void> {
  switch (command.type) {
    case 'hello':
      if (session.state !== 'awaiting-hello') return reply(session, errorFrame('invalid_request', 'already authenticated', command.id));
      return handleHello(hub, session, command);
    case 'auth':
      return handleAuth(hub, session, command);
    case 'join':
      return handleJoin(hub, session, command);
    case 'leave':
      return handleLeave(hub, session, command);
    case 'send':
      return handleSend(hub, session, command);
    case 'history':
      return handleHistory(hub, session, command);
    case 'typing':
      return handleTyping(hub, session, command);
    case 'read':
      return handleRead(hub, session, command);
    case 'ping':
      return reply(session, JSON.stringify(command.id === undefined ? { type: 'pong' } : { type: 'pong', id: command.id }));
  }
}

function reply(session: Session, frame: string): Promise<void> {
  session.reply(frame);
  return Promise.resolve();
}
