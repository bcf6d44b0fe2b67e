/**
 * Message text to Markdown tokens: marked's lexer only (GFM, single newlines stay in the text),
 * with nesting bounded and every parse cached. Nothing here produces HTML; `render.ts` turns the
 * tokens into Preact elements.
 */
import { Lexer, type Token, type TokensList } from 'marked';
import { linkify } from '../linkify.js';
import { BoundedCache } from './cache.js';

/**
 * How deep block containers (quotes, list items) may nest before the rest is kept as text. The
 * lexer recurses once per level: 2,000 `>` would overflow the stack, and nothing readable needs
 * more than a few levels in a chat message.
 */
export const MAX_BLOCK_DEPTH = 12;
/** How deep inline spans (emphasis, links) may nest before the rest is kept as text. */
export const MAX_INLINE_DEPTH = 24;

/** A paragraph of literal text: what a too-deep container or a failed parse shows. */
function literal(text: string): Token {
  return { type: 'paragraph', raw: text, text, tokens: [{ type: 'text', raw: text, text, escaped: false }] };
}

/** marked's lexer with a bound on how deep its recursion goes. */
class BoundedLexer extends Lexer {
  #blockDepth = 0;
  #inlineDepth = 0;

  override blockTokens(src: string, tokens?: Token[], lastParagraphClipped?: boolean): Token[];
  override blockTokens(src: string, tokens?: TokensList, lastParagraphClipped?: boolean): TokensList;
  override blockTokens(src: string, tokens: Token[] = [], lastParagraphClipped?: boolean): Token[] {
    if (this.#blockDepth >= MAX_BLOCK_DEPTH) {
      tokens.push(literal(src));
      return tokens;
    }
    this.#blockDepth++;
    try {
      return super.blockTokens(src, tokens, lastParagraphClipped);
    } finally {
      this.#blockDepth--;
    }
  }

  override inlineTokens(src: string, tokens: Token[] = []): Token[] {
    if (this.#inlineDepth >= MAX_INLINE_DEPTH) {
      tokens.push({ type: 'text', raw: src, text: src, escaped: false });
      return tokens;
    }
    this.#inlineDepth++;
    try {
      return super.inlineTokens(src, tokens);
    } finally {
      this.#inlineDepth--;
    }
  }
}

/**
 * The tokens of `text`, uncached. Should the lexer still fail on some input, the message shows
 * as it did before Markdown: plain text with its bare links.
 */
export function lexMarkdown(text: string): readonly Token[] {
  try {
    return new BoundedLexer({ gfm: true, breaks: false }).lex(text);
  } catch {
    const tokens: Token[] = linkify(text).map((segment) =>
      segment.kind === 'link'
        ? { type: 'link', raw: segment.text, href: segment.href, text: segment.text, autolink: true, tokens: [{ type: 'text', raw: segment.text, text: segment.text, escaped: false }] }
        : { type: 'text', raw: segment.text, text: segment.text, escaped: false },
    );
    return [{ type: 'paragraph', raw: text, text, tokens }];
  }
}

const parsed = new BoundedCache<readonly Token[]>(2000);

/**
 * The tokens of `text`, parsed once: a room re-renders its messages often, and switching rooms
 * mounts them again. The tokens are shared between callers and must not be changed.
 */
export function parseMarkdown(text: string): readonly Token[] {
  let tokens = parsed.get(text);
  if (tokens === undefined) {
    tokens = lexMarkdown(text);
    parsed.set(text, tokens);
  }
  return tokens;
}
