/**
 * Runs a session's frames through the command table: parse with the command's schema, hold
 * what arrives while `hello` is in progress, check what the command needs and its rate class,
 * run its handler, and turn every failure into an `error` event echoing the command's id. The
 * connection stays open for bad input; only a flood of it, or anything but `hello` first,
 * closes it.
 */
import { CLOSE_CODES } from '../../protocol/codes.js';
import { RateLimitedError, isHubError, HubError } from '../errors.js';
import { errorFrame } from '../frames.js';
import type { Session } from '../session.js';
import type { Command, CommandServices, MemberContext, RateClass } from './command.js';
import { parseCommand, type ParsedCommand } from './parse.js';

/** Bad frames tolerated per connection before it is closed with 4008. */
const MAX_BAD_FRAMES = 100;

/** A parsed command's value, as far as the dispatcher reads it. */
type CommandValue = ParsedCommand['value'] & { readonly room?: unknown };

/** A session's commands as the dispatcher tracks them. */
interface Inbox {
  /** Commands received and not answered yet. */
  inFlight: number;
  /** Commands that arrived while `hello` was in progress, run once it is welcomed. */
  pending: { readonly command: Command; readonly value: CommandValue }[];
  /** Invalid frames received. */
  badFrames: number;
}

export class CommandDispatcher {
  readonly #services: CommandServices;
  readonly #commands: ReadonlyMap<string, Command>;
  readonly #inboxes = new WeakMap<Session, Inbox>();

  constructor(services: CommandServices, commands: readonly Command[]) {
    this.#services = services;
    this.#commands = new Map(commands.map((command) => [command.type, command]));
  }

  /** A text frame from the session's client. */
  receive(session: Session, frame: string): void {
    if (session.isClosed) return;
    const inbox = this.#inbox(session);
    const parsed = parseCommand(frame, this.#commands);
    if (!parsed.ok) {
      this.#services.observer.command('invalid', 'error');
      session.reply(errorFrame('invalid_request', parsed.message, parsed.id));
      if (session.state === 'awaiting-hello') session.close(CLOSE_CODES.unauthorized, 'expected hello');
      else if (++inbox.badFrames > MAX_BAD_FRAMES) session.close(CLOSE_CODES.policy, 'too many invalid frames');
      return;
    }
    const { command, value } = parsed;
    switch (session.state) {
      case 'awaiting-hello':
        if (command.needs.hello) {
          session.reply(errorFrame('unauthorized', 'the first command must be hello', value.id));
          session.close(CLOSE_CODES.unauthorized, 'expected hello');
          return;
        }
        void this.#run(session, inbox, command, value);
        return;
      case 'authenticating':
        // A client may pipeline commands right after hello; they run once it is welcomed.
        if (inbox.pending.length >= this.#services.options.maxInFlight) {
          session.reply(errorFrame('rate_limited', 'too many commands before welcome', value.id));
          return;
        }
        inbox.pending.push({ command, value });
        return;
      case 'open':
        if (!command.needs.hello) {
          session.reply(errorFrame('invalid_request', 'already authenticated', value.id));
          return;
        }
        void this.#run(session, inbox, command, value);
        return;
      case 'closed':
        return;
    }
  }

  #inbox(session: Session): Inbox {
    let inbox = this.#inboxes.get(session);
    if (inbox === undefined) {
      inbox = { inFlight: 0, pending: [], badFrames: 0 };
      this.#inboxes.set(session, inbox);
    }
    return inbox;
  }

  /**
   * Runs one command to its end: checks what it needs and its rate class, awaits its handler,
   * and answers a failure with an error. One async function, not a promise chain with
   * callbacks: every frame a client sends comes through here.
   */
  async #run(session: Session, inbox: Inbox, command: Command, value: CommandValue): Promise<void> {
    const { observer, logger } = this.#services;
    if (inbox.inFlight >= this.#services.options.maxInFlight) {
      observer.command(command.type, 'error');
      session.reply(errorFrame('rate_limited', 'too many commands in flight; wait for answers', value.id));
      return;
    }
    inbox.inFlight++;
    try {
      const ctx = this.#context(session, command, value);
      if (command.needs.hello && command.rate !== undefined && ctx.user !== undefined) {
        const decision = await this.#services.limits[command.rate].consume(String(ctx.user.id));
        if (!decision.allowed) this.#refuse(command.type, command.rate, decision.retryAfterSeconds);
      }
      await command.handle(ctx, value);
    } catch (error) {
      inbox.inFlight--;
      observer.command(command.type, 'error');
      if (isHubError(error)) {
        const retryAfter = error instanceof RateLimitedError ? error.retryAfterSeconds : undefined;
        session.reply(errorFrame(error.code, error.message, value.id, retryAfter));
        return;
      }
      logger.error({ err: error, command: command.type, sessionId: session.id }, 'command failed');
      session.reply(errorFrame('internal', 'internal error', value.id));
      return;
    }
    inbox.inFlight--;
    observer.command(command.type, 'ok');
    // `hello` welcomed the session: what the client pipelined behind it runs now, in order.
    if (!command.needs.hello && session.state === 'open') this.#runPending(session, inbox);
  }

  #runPending(session: Session, inbox: Inbox): void {
    const pending = inbox.pending;
    inbox.pending = [];
    for (const { command, value } of pending) void this.#run(session, inbox, command, value);
  }

  /** Checks what the command needs; the context its handler runs with. */
  #context(session: Session, command: Command, value: CommandValue): MemberContext {
    const user = session.user;
    let roomId = 0;
    if (command.needs.hello) {
      if (user === undefined) throw new Error(`${command.type} ran without a user`);
      if (command.needs.membership === true) {
        const room = String(value.room);
        const id = user.rooms.get(room);
        if (id === undefined) throw new HubError('forbidden', `not a member of ${room}`);
        roomId = id;
      }
    }
    // For `hello`, `user` and `roomId` are not there yet; `ContextOf` gives it a SessionContext.
    return { session, user, roomId, services: this.#services } as MemberContext;
  }

  /** A command over its rate class's budget: counted, and answered rate_limited. */
  #refuse(type: string, rate: RateClass, retryAfterSeconds: number): never {
    this.#services.observer.rateLimited(rate);
    throw new RateLimitedError(retryAfterSeconds, `too many ${type} commands; retry in ${retryAfterSeconds} s`);
  }
}
