/**
 * A user's chosen availability, carried by presence beside the contract's `online`/`offline`.
 * Plain values (no zod), so the web app can import them without the schema library.
 */

/** Every availability a user can choose; `active` is the default. */
export const AVAILABILITIES = ['active', 'away', 'dnd'] as const;

/** `active` (default), `away` or `dnd` (do not disturb). */
export type Availability = (typeof AVAILABILITIES)[number];

/** What a user has chosen until they choose otherwise. */
export const DEFAULT_AVAILABILITY: Availability = 'active';

/** Whether `value` is one of `AVAILABILITIES`. */
export function isAvailability(value: unknown): value is Availability {
  return typeof value === 'string' && (AVAILABILITIES as readonly string[]).includes(value);
}
