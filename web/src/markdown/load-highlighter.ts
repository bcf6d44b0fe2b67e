/**
 * Loads the syntax highlighter on first need. It is a chunk of its own (highlight.js grammars
 * are most of its weight), so the main bundle does not carry it; a code block shows plain until
 * it arrives.
 */
import type { Highlight } from './render.js';

let loaded: Highlight | undefined;
let loading: Promise<Highlight> | undefined;

/** The highlighter, if it has been loaded. */
export function loadedHighlighter(): Highlight | undefined {
  return loaded;
}

/** Loads the highlighter (once: every caller shares the same request). */
export function loadHighlighter(): Promise<Highlight> {
  loading ??= import('./highlighter.js').then(
    (module) => (loaded = module.highlight),
    (error: unknown) => {
      // A failed fetch (offline, a deploy replaced the chunk) is tried again by the next block.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
