/**
 * `typing`: relayed to the room's other members, throttled per user and room; nothing stored.
 * The session remembers where it is typing so that a send, a leave or a disconnect clears it.
 */
import type { TypingCommand } from '../../protocol/commands.js';
import { HubError } from '../errors.js';
import type { Hub } from '../hub.js';
import type { Session } from '../session.js';

export function handleTyping(hub: Hub, session: Session, command: TypingCommand): Promise<void> {
  const user = session.user!;
  const { room } = command;
  if (!user.rooms.has(room)) return Promise.reject(new HubError('forbidden', `not a member of ${room}`));
  if (command.active) {
    (session.typing ??= new Set()).add(room);
    const relayedAt = (user.typingRelayedAt ??= new Map());
    const now = hub.now();
    if (now - (relayedAt.get(room) ?? -Infinity) < hub.options.typingThrottleMs) return Promise.resolve();
    relayedAt.set(room, now);
    hub.relayTyping(user, room, true);
  } else if (session.typing?.delete(room)) {
    user.typingRelayedAt?.delete(room);
    hub.relayTyping(user, room, false);
  }
  return Promise.resolve();
}
