/**
 * The one rule for free text the server stores and relays (message text, passwords, login
 * names): well-formed UTF-16 and no U+0000. PostgreSQL cannot store U+0000 in `text`, and a
 * lone surrogate has no UTF-8 form — stored, it would come back as U+FFFD while the live copy
 * kept the original. Refusing both at the edge keeps live text equal to stored text on every
 * database.
 */
import { z } from 'zod';

/** A lone (unpaired) surrogate: with the `u` flag a proper pair is one astral code point. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `text` cannot be stored as it is, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain U+0000 (NUL)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (an unpaired surrogate was found)';
  return undefined;
}

/**
 * A zod string that holds only storable text (see `textProblem`). A refinement, not a
 * `check` callback: zod builds a context object for each `check` call, and every message a
 * client sends passes here (700 bytes of garbage per message, a measurable share of GC).
 */
export function storableText(): z.ZodString {
  return z.string().refine((text) => textProblem(text) === undefined, {
    error: (issue) => textProblem(issue.input as string) ?? 'must be storable text',
  });
}
