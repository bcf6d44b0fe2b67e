/**
 * Markdown tokens (from `lexer.ts`) to Preact elements. Never HTML: every piece of message text
 * becomes a text node, and only the elements and attributes below are ever created. Raw HTML in
 * a message is shown as the text it is; a link whose target is not http, https or mailto is shown
 * as the Markdown it was written as; an image is a link to it; a heading is a bold line (a message
 * must not add to the page's heading outline).
 *
 * Plain `h()` rather than JSX: the unit tests (test/markdown.test.ts) load this module outside
 * the web build.
 */
import type { Root, RootContent } from 'hast';
import type { MarkedToken, Token, Tokens } from 'marked';
import { h, type ComponentChildren } from 'preact';
import { highlightedLanguage } from './languages.js';
import { safeHref, splitBareUrl } from './links.js';

/**
 * Highlights `code` written in `language` (a name `languages.ts` lists), or undefined when it
 * cannot; `highlighter.ts` provides it once loaded.
 */
export type Highlight = (language: string, code: string) => Root | undefined;

/** The element types this renderer creates: nothing else can come out of a message. */
export const MARKDOWN_ELEMENTS: ReadonlySet<string> = new Set([
  'p',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'hr',
  'span',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);

const LINK_PROPS = { target: '_blank', rel: 'noopener noreferrer' } as const;

/** What an inline run is inside of: a link may not hold another. */
interface Inline {
  readonly inLink: boolean;
}

/**
 * The elements for a message's tokens. `highlight` colours fenced code blocks; without it they
 * show as plain monospace text (the highlighter loads lazily).
 */
export function renderMarkdown(tokens: readonly Token[], highlight?: Highlight): ComponentChildren[] {
  return blocks(tokens, highlight);
}

/** Whether any fenced block in `tokens` asks for a language the highlighter knows. */
export function wantsHighlighter(tokens: readonly Token[]): boolean {
  for (const token of tokens as readonly MarkedToken[]) {
    if (token.type === 'code' && token.codeBlockStyle !== 'indented' && highlightedLanguage(token.lang) !== undefined) return true;
    if (token.type === 'blockquote' && wantsHighlighter(token.tokens)) return true;
    if (token.type === 'list' && token.items.some((item) => wantsHighlighter(item.tokens))) return true;
  }
  return false;
}

function blocks(tokens: readonly Token[], highlight: Highlight | undefined): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  for (const token of tokens) {
    const node = block(token as MarkedToken, highlight);
    if (node !== null) out.push(node);
  }
  return out;
}

function block(token: MarkedToken, highlight: Highlight | undefined): ComponentChildren {
  switch (token.type) {
    case 'space':
      return null;
    case 'paragraph':
      return h('p', null, ...inline(token.tokens, { inLink: false }));
    case 'text':
      // The text of a tight list item: inline content without a paragraph around it.
      return token.tokens === undefined ? token.text : inline(token.tokens, { inLink: false });
    case 'heading':
      return h('p', { class: 'md-heading' }, h('strong', null, ...inline(token.tokens, { inLink: false })));
    case 'code':
      return codeBlock(token, highlight);
    case 'blockquote':
      return h('blockquote', null, ...blocks(token.tokens, highlight));
    case 'list':
      return list(token, highlight);
    case 'table':
      return table(token);
    case 'hr':
      return h('hr', null);
    case 'checkbox':
      return checkbox(token);
    case 'html':
      // Raw HTML is text like any other: shown, never interpreted.
      return h('p', null, token.text.replace(/\n+$/, ''));
    case 'def':
      // A link reference definition is invisible in Markdown; in a chat message it is shown, so
      // that nothing anyone writes disappears.
      return h('p', null, token.raw.replace(/\n+$/, ''));
    default:
      return h('p', null, token.raw);
  }
}

function list(token: Tokens.List, highlight: Highlight | undefined): ComponentChildren {
  const items = token.items.map((item) => h('li', null, ...blocks(item.tokens, highlight)));
  if (!token.ordered) return h('ul', null, ...items);
  return h('ol', typeof token.start === 'number' && token.start !== 1 ? { start: token.start } : null, ...items);
}

function checkbox(token: Tokens.Checkbox): ComponentChildren {
  return h('span', { class: 'md-task' }, token.checked ? '☑ ' : '☐ ');
}

// The language label of a code block is the writer's text: it is shortened, not trusted.
const MAX_LABEL = 40;

function codeBlock(token: Tokens.Code, highlight: Highlight | undefined): ComponentChildren {
  const language = token.codeBlockStyle === 'indented' ? undefined : highlightedLanguage(token.lang);
  const tree = language === undefined || highlight === undefined ? undefined : highlight(language, token.text);
  const info = token.lang?.trim().split(/\s/, 1)[0] ?? '';
  const label = info === '' ? 'Code' : `Code, ${info.slice(0, MAX_LABEL)}`;
  // A long line scrolls sideways: the block is focusable so that a keyboard can scroll it.
  return h('pre', { class: 'md-code', tabIndex: 0, role: 'group', 'aria-label': label }, h('code', null, ...(tree === undefined ? [token.text] : hast(tree.children))));
}

function table(token: Tokens.Table): ComponentChildren {
  const cell = (c: Tokens.TableCell, header: boolean): ComponentChildren =>
    h(header ? 'th' : 'td', { class: c.align === null ? undefined : `md-align-${c.align}`, scope: header ? 'col' : undefined }, ...inline(c.tokens, { inLink: false }));
  return h(
    'div',
    { class: 'md-table', tabIndex: 0, role: 'group', 'aria-label': 'Table' },
    h(
      'table',
      null,
      h('thead', null, h('tr', null, ...token.header.map((c) => cell(c, true)))),
      token.rows.length === 0 ? null : h('tbody', null, ...token.rows.map((row) => h('tr', null, ...row.map((c) => cell(c, false))))),
    ),
  );
}

function inline(tokens: readonly Token[], context: Inline): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  for (const token of tokens) {
    const node = span(token as MarkedToken, context);
    if (Array.isArray(node)) out.push(...(node as ComponentChildren[]));
    else if (node !== null) out.push(node);
  }
  return out;
}

function span(token: MarkedToken, context: Inline): ComponentChildren {
  switch (token.type) {
    case 'text':
      return token.tokens === undefined ? token.text : inline(token.tokens, context);
    case 'escape':
      return token.text;
    case 'strong':
      return h('strong', null, ...inline(token.tokens, context));
    case 'em':
      return h('em', null, ...inline(token.tokens, context));
    case 'del':
      return h('del', null, ...inline(token.tokens, context));
    case 'codespan':
      return h('code', null, token.text);
    case 'br':
      // A text newline, not <br>: the paragraph keeps its line breaks with `white-space:
      // pre-wrap`, and the message's textContent stays its text.
      return '\n';
    case 'html':
      return token.text;
    case 'link':
      return link(token, context);
    case 'image':
      return image(token, context);
    case 'checkbox':
      return checkbox(token);
    default:
      return token.raw;
  }
}

function link(token: Tokens.Link, context: Inline): ComponentChildren {
  if (context.inLink) return token.text;
  // A bare URL in running text ("see https://example.com/docs?page=1."): the sentence's
  // punctuation after it is not part of the link.
  const bare = token.autolink === true && !token.raw.startsWith('<') && token.href.endsWith(token.text);
  const { url, rest } = bare ? splitBareUrl(token.text) : { url: token.text, rest: '' };
  const target = bare ? token.href.slice(0, token.href.length - rest.length) : token.href;
  const href = safeHref(target);
  if (href === undefined) return token.raw;
  const children = bare ? [url] : inline(token.tokens, { inLink: true });
  const anchor = h('a', { href, ...LINK_PROPS, title: token.title ?? undefined }, ...children);
  return rest === '' ? anchor : [anchor, rest];
}

/** An image is never loaded: it is a link to the picture, named by its alt text. */
function image(token: Tokens.Image, context: Inline): ComponentChildren {
  const href = safeHref(token.href);
  if (href === undefined) return token.raw;
  const text = token.text === '' ? token.href : token.text;
  if (context.inLink) return text;
  return h('a', { href, ...LINK_PROPS, title: token.title ?? undefined }, text);
}

/** Highlighted code: highlight.js's spans (class names only), everything else as text. */
function hast(nodes: readonly RootContent[]): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push(node.value);
    } else if (node.type === 'element') {
      const classes = node.properties.className;
      const names = Array.isArray(classes) ? classes.filter((name): name is string => typeof name === 'string' && /^hljs-[\w-]+$/.test(name)) : [];
      out.push(h('span', names.length === 0 ? null : { class: names.join(' ') }, ...hast(node.children)));
    }
  }
  return out;
}
