/**
 * The password-strength estimate the server enforces and the web app's sign-up meter shows: one
 * module, so that the meter and the server's `weak_password` answer agree on the score and speak
 * the same words. It wraps zxcvbn (`@zxcvbn-ts/core` with the `language-common` dictionaries of
 * common passwords and keyboard layouts). No zod: the web app loads it, in a lazily imported
 * chunk, so the main bundle does not carry the dictionaries.
 */
import { ZxcvbnFactory, type TranslationKeys } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** zxcvbn's score: 0 (too guessable) to 4 (very unguessable). */
export type PasswordScore = 0 | 1 | 2 | 3 | 4;

/**
 * How many characters are estimated. zxcvbn's work grows quickly with length (an l33t-heavy
 * 256-character password took 100-200 ms); a password whose first 64 characters are guessable
 * is weak whatever follows, and one whose first 64 are not is strong.
 */
export const MAX_ESTIMATED_LENGTH = 64;

/** What the estimator says about one password, in plain English. */
export interface PasswordEstimate {
  readonly score: PasswordScore;
  /** Why it is guessable (`This is a commonly used password.`), when zxcvbn knows. */
  readonly warning: string | undefined;
  /** What would make it stronger. */
  readonly suggestions: readonly string[];
}

/**
 * zxcvbn reports translation keys; these are the sentences for them (the wording of
 * `@zxcvbn-ts/language-en`, which is not installed, lightly edited).
 */
const ENGLISH: TranslationKeys = {
  warnings: {
    straightRow: 'Straight rows of keys on your keyboard are easy to guess.',
    keyPattern: 'Short keyboard patterns are easy to guess.',
    simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
    extendedRepeat: 'Repeated character patterns like "abcabcabc" are easy to guess.',
    sequences: 'Common character sequences like "abc" are easy to guess.',
    recentYears: 'Recent years are easy to guess.',
    dates: 'Dates are easy to guess.',
    topTen: 'This is one of the most used passwords.',
    topHundred: 'This is a very frequently used password.',
    common: 'This is a commonly used password.',
    similarToCommon: 'This is similar to a commonly used password.',
    wordByItself: 'Single words are easy to guess.',
    namesByThemselves: 'Single names or surnames are easy to guess.',
    commonNames: 'Common names and surnames are easy to guess.',
    userInputs: 'A password that contains your username is easy to guess.',
    pwned: 'This password was exposed in a data breach.',
  },
  suggestions: {
    l33t: 'Avoid predictable letter substitutions like "@" for "a".',
    reverseWords: 'Avoid reversed spellings of common words.',
    allUppercase: 'Capitalize some, but not all, letters.',
    capitalization: 'Capitalize more than the first letter.',
    dates: 'Avoid dates and years that are associated with you.',
    recentYears: 'Avoid recent years.',
    associatedYears: 'Avoid years that are associated with you.',
    sequences: 'Avoid common character sequences.',
    repeated: 'Avoid repeated words and characters.',
    longerKeyboardPattern: 'Use longer keyboard patterns and change typing direction several times.',
    anotherWord: 'Add more words that are less common.',
    useWords: 'Use several words, but avoid common phrases.',
    noNeed: 'You can make a strong password without symbols, numbers or capital letters.',
    pwned: 'If you use this password elsewhere, change it there.',
  },
  timeEstimation: {
    ltSecond: 'less than a second',
    second: '1 second',
    seconds: 'seconds',
    minute: '1 minute',
    minutes: 'minutes',
    hour: '1 hour',
    hours: 'hours',
    day: '1 day',
    days: 'days',
    month: '1 month',
    months: 'months',
    year: '1 year',
    years: 'years',
    centuries: 'centuries',
  },
};

let shared: ZxcvbnFactory | undefined;

/**
 * The one estimator of this process, built on first use: building it ranks every dictionary
 * word (about 100 ms), so the server calls this at start-up and every estimate reuses it.
 */
export function passwordEstimator(): ZxcvbnFactory {
  shared ??= new ZxcvbnFactory({
    dictionary: { ...dictionary },
    graphs: adjacencyGraphs,
    translations: ENGLISH,
    // Levenshtein matching compares the password with every dictionary word: 50-150 ms per
    // estimate. Few l33t substitutions keep a symbol-heavy password cheap (zxcvbn's default of
    // 100 took 20-80 ms of CPU at 64 characters; 4 takes 1-10 ms and scores common l33t
    // passwords such as "P@ssw0rd" and "m0nk3y123" the same).
    useLevenshteinDistance: false,
    l33tMaxSubstitutions: 4,
    maxLength: MAX_ESTIMATED_LENGTH,
  });
  return shared;
}

/**
 * Estimates how guessable `password` is. `userInputs` are words the attacker knows (the
 * username): a password built on them counts as weaker. Only the first `MAX_ESTIMATED_LENGTH`
 * characters are looked at. Synchronous and a few milliseconds at most.
 */
export function estimatePassword(password: string, userInputs: readonly string[] = []): PasswordEstimate {
  const result = passwordEstimator().check(password.slice(0, MAX_ESTIMATED_LENGTH), userInputs.filter((input) => input !== '').map((input) => input.toLowerCase()));
  return {
    score: result.score,
    warning: result.feedback.warning ?? undefined,
    suggestions: result.feedback.suggestions,
  };
}

/**
 * The sentence that explains a weak password: zxcvbn's warning and suggestions, or a general
 * hint when zxcvbn found no particular pattern (a password that is merely short).
 */
export function describeWeakPassword(estimate: PasswordEstimate): string {
  const parts = [estimate.warning ?? 'This password would be easy to guess.'];
  parts.push(...(estimate.suggestions.length > 0 ? estimate.suggestions : ['Use a longer password: several uncommon words work well.']));
  return parts.join(' ');
}
