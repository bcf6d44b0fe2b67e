/**
 * A command is a unit described as data: the wire schema it is validated with, what it needs
 * before it may run (a welcomed session, membership of the room it names), the rate class it
 * counts against, and a handler that receives a narrow context — the session, its user and
 * the few services commands use — never the hub. The dispatcher reads these declarations and
 * applies them in one place; a handler never re-checks what its declaration says.
 */
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { HubObserver } from '../observer.js';
import type { Presence } from '../presence.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { RoomService } from '../room-service.js';
import type { Session, SessionUser } from '../session.js';
import type { AppendResult, NewMessage, RoomRecord, Store } from '../store.js';
import type { TokenVerifier } from '../token-verifier.js';
import type { HubOptions } from '../hub-options.js';

/** Limits that count a user's commands (keyed by user id); see `RateLimits`. */
export type RateClass = 'message' | 'history' | 'membership';

/** One limiter per rate class. */
export type RateLimits = Readonly<Record<RateClass, RateLimiter>>;

/** What a command needs before its handler runs. */
export interface Needs {
  /** A welcomed session (every command but `hello` itself). */
  readonly hello: boolean;
  /** Membership of the room named by the command's `room` field (forbidden otherwise). */
  readonly membership?: boolean;
}

/** The hub's routing, as far as commands drive it. */
export interface Routing {
  /**
   * Attaches an authenticated session to its user, loading and following the user's rooms
   * when it is the user's first session on this node. Undefined when the session closed
   * meanwhile.
   */
  attach(session: Session, account: { readonly id: number; readonly username: string }): Promise<SessionUser | undefined>;
  /** Makes every session of a local user receive a room's events (idempotent). */
  follow(user: SessionUser, room: RoomRecord): Promise<void>;
  /** A typing mark of the session's user in a room (throttled per user and room). */
  typing(session: Session, room: string, active: boolean): void;
  /** The user's read position moved: tell the room (throttled per user and room). */
  receipt(user: SessionUser, room: string, seq: number): void;
}

/** Where messages are appended: group commit, durable before the promise resolves. */
export interface MessageLog {
  append(message: NewMessage): Promise<AppendResult>;
}

/** The services a command may use. */
export interface CommandServices {
  readonly store: Store;
  readonly rooms: RoomService;
  readonly messages: MessageLog;
  readonly presence: Presence;
  readonly tokens: TokenVerifier;
  readonly routing: Routing;
  readonly limits: RateLimits;
  readonly options: HubOptions;
  readonly now: () => number;
  readonly logger: Logger;
  readonly observer: HubObserver;
}

/** What `hello` receives besides its command: the session, not yet a user. */
export interface SessionContext {
  readonly session: Session;
  readonly services: CommandServices;
}

/** What a command of a welcomed session receives besides its command. */
export interface CommandContext extends SessionContext {
  readonly user: SessionUser;
}

/** What a command with `needs.membership` receives: the room it names is the user's. */
export interface MemberContext extends CommandContext {
  readonly roomId: number;
}

/** The context a command's needs earn it. */
export type ContextOf<N extends Needs> = N extends { readonly hello: false }
  ? SessionContext
  : N extends { readonly membership: true }
    ? MemberContext
    : CommandContext;

/** A command's declaration, typed by its schema and its needs. */
export interface CommandDefinition<S extends z.ZodType, N extends Needs> {
  readonly type: string;
  readonly schema: S;
  readonly needs: N;
  readonly rate?: RateClass | undefined;
  readonly handle: (ctx: ContextOf<N>, command: z.infer<S>) => Promise<void>;
}

/** A declaration in the command table (the handler takes the value its schema produced). */
export interface Command {
  readonly type: string;
  readonly schema: z.ZodType;
  readonly needs: Needs;
  readonly rate?: RateClass | undefined;
  readonly handle: (ctx: MemberContext, command: unknown) => Promise<void>;
}

/**
 * Declares a command. The dispatcher hands `handle` only what `schema` parsed, and only the
 * context its `needs` earned, which is why the table may erase both types.
 */
export function defineCommand<S extends z.ZodType, const N extends Needs>(definition: CommandDefinition<S, N>): Command {
  return definition as unknown as Command;
}
