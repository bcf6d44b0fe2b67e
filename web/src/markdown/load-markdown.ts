/**
 * Loads the Markdown formatter (`markdown.ts`, a chunk of its own so that the first load stays
 * small). `main.tsx` asks for it right after the first render, so it is normally there before
 * the first page of history; a message rendered before then shows as plain text with links.
 */
import type * as Formatter from './markdown.js';

/** The formatter module: parse a message's text, render its tokens. */
export type Markdown = typeof Formatter;

let loaded: Markdown | undefined;
let loading: Promise<Markdown> | undefined;

/** The formatter, if it has been loaded. */
export function loadedMarkdown(): Markdown | undefined {
  return loaded;
}

/**
 * Loads the formatter (once: every caller shares the same request). A failed load (offline, a
 * deploy replaced the chunk) is forgotten, so that the next caller — the next render of a
 * message, as after a reconnect — tries again.
 */
export function loadMarkdown(): Promise<Markdown> {
  if (loaded !== undefined) return Promise.resolve(loaded);
  loading ??= import('./markdown.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
