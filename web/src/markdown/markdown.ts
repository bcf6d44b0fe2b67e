/**
 * The Markdown formatter: marked's lexer (`lexer.ts`) and the renderer that turns its tokens into
 * elements (`render.ts`). marked cannot be tree-shaken and is most of the formatter's weight, so
 * this module is only ever loaded through a dynamic import (`load-markdown.ts`): it is a chunk of
 * its own, requested right after the app's first render, and messages show as plain text with
 * their links until it has arrived.
 */
export { parseMarkdown } from './lexer.js';
export { renderMarkdown, wantsHighlighter } from './render.js';
