/**
 * Does this user, this room exist? Asked of the server before anything is opened or created
 * from a typed name, so that a typo never becomes a conversation that cannot deliver or a public
 * room nobody meant to create.
 */
import { HubbubError } from '../../src/client/errors.js';
import type { HubbubClient } from '../../src/client/hubbub-client.js';

/** A name that belongs to nobody: the message is what the user reads. */
export class NoSuchUserError extends Error {
  readonly username: string;

  constructor(username: string) {
    super(`No user named “${username}”.`);
    this.name = 'NoSuchUserError';
    this.username = username;
  }
}

/** True when `error` is the server's `not_found`. */
export function isNotFound(error: unknown): boolean {
  return error instanceof HubbubError && error.code === 'not_found';
}

/** Whether a user with this name (any letter case) exists; other failures reject. */
export async function userExists(client: HubbubClient, username: string): Promise<boolean> {
  try {
    await client.api((http) => http.user(username));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Whether a room with this key exists: its newest message is asked for, which answers
 * `not_found` only for a room that does not exist (a private room one is not in is `forbidden`,
 * and exists). Other failures reject.
 */
export async function roomExists(client: HubbubClient, room: string): Promise<boolean> {
  try {
    await client.api((http) => http.messages(room, { limit: 1 }));
    return true;
  } catch (error) {
    if (error instanceof HubbubError && error.code === 'forbidden') return true;
    if (isNotFound(error)) return false;
    throw error;
  }
}
