/** Node ids: how a node names itself in broker messages and presence keys. */
import { randomBytes } from 'node:crypto';

/** Node ids go into wire headers and key names unquoted: no separators, no newline, no braces. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A random node id (12 hex digits). */
export const randomNodeId = (): string => randomBytes(6).toString('hex');

/** The id, checked; a random one when none is given. */
export function nodeIdOf(given: string | undefined, what: string): string {
  const id = given ?? randomNodeId();
  if (!NODE_ID_PATTERN.test(id)) throw new RangeError(`invalid ${what} node id: ${JSON.stringify(id)} (expected ${String(NODE_ID_PATTERN)})`);
  return id;
}
