/** Limits of the wire contract, as plain numbers: the web app loads this module (no zod). */

/** The longest message text the contract allows; servers may be configured lower. */
export const MAX_TEXT_LENGTH = 4000;
/** The most messages one history page returns. */
export const MAX_HISTORY_LIMIT = 200;
export const DEFAULT_HISTORY_LIMIT = 50;
/** The most membership changes one page of a room's activity returns. */
export const MAX_ACTIVITY_LIMIT = 200;
export const DEFAULT_ACTIVITY_LIMIT = 100;

/** The zxcvbn score (0-4) a new password must reach unless `PASSWORD_MIN_SCORE` says otherwise. */
export const DEFAULT_PASSWORD_MIN_SCORE = 3;
