// Markdown in messages (web/src/markdown), outside the browser: the token tree marked's lexer
// makes and the Preact elements render.ts makes from it. Each construct is pinned as markup (a
// test-only serialisation of the element tree, text escaped so that an element and text that
// looks like one differ); hostile input is checked on the element tree itself: only allowed
// elements and attributes, no event handler, every link http(s) or mailto; pathological input
// renders to something bounded. The browser side is test/browser-markdown.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ComponentChildren, VNode } from 'preact';
import { BoundedCache } from '../web/src/markdown/cache.js';
import { highlight, knowsLanguage } from '../web/src/markdown/highlighter.js';
import { HIGHLIGHTED_LANGUAGES, highlightedLanguage } from '../web/src/markdown/languages.js';
import { MAX_BLOCK_DEPTH, lexMarkdown, parseMarkdown } from '../web/src/markdown/lexer.js';
import { safeHref, splitBareUrl } from '../web/src/markdown/links.js';
import { MARKDOWN_ELEMENTS, renderMarkdown, wantsHighlighter, type Highlight } from '../web/src/markdown/render.js';

type Props = Record<string, unknown> & { children?: ComponentChildren };

function isVNode(node: unknown): node is VNode<Props> {
  return typeof node === 'object' && node !== null && 'type' in node && 'props' in node;
}

/** Every child of a children value, flattened, without the empty ones Preact skips. */
function childList(children: ComponentChildren): unknown[] {
  if (Array.isArray(children)) return children.flatMap((child: ComponentChildren) => childList(child));
  if (children === null || children === undefined || typeof children === 'boolean') return [];
  return [children];
}

const escapeText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The element tree as markup, attributes sorted (for assertions only; no browser sees it). */
function markup(children: ComponentChildren): string {
  return childList(children)
    .map((node) => {
      if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return escapeText(String(node));
      if (!isVNode(node)) throw new Error(`not an element or text: ${String(node)}`);
      const attributes = Object.entries(node.props)
        .filter(([name, value]) => name !== 'children' && value !== undefined && value !== null)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ` ${name}="${String(value)}"`)
        .join('');
      return `<${String(node.type)}${attributes}>${markup(node.props.children)}</${String(node.type)}>`;
    })
    .join('');
}

/** What the browser's textContent of the rendered message would be. */
function textOf(children: ComponentChildren): string {
  return childList(children)
    .map((node) => (isVNode(node) ? textOf(node.props.children) : String(node)))
    .join('');
}

/** Every element in the tree, depth first, with how deep it sits. */
function elements(children: ComponentChildren, depth = 1, out: { node: VNode<Props>; depth: number }[] = []): { node: VNode<Props>; depth: number }[] {
  for (const node of childList(children)) {
    if (isVNode(node)) {
      out.push({ node, depth });
      elements(node.props.children, depth + 1, out);
    }
  }
  return out;
}

const render = (text: string, highlighter?: Highlight): ComponentChildren[] => renderMarkdown(lexMarkdown(text), highlighter);
const html = (text: string, highlighter?: Highlight): string => markup(render(text, highlighter));

const A = (href: string, text: string): string => `<a href="${href}" rel="noopener noreferrer" target="_blank">${text}</a>`;

describe('markdown: plain text stays plain', () => {
  it('keeps single newlines in the text (no <br>) and links a bare URL without the sentence’s full stop', () => {
    const text = 'Two lines:\nthe second one, and a link https://example.com/docs?page=1.';
    assert.equal(html(text), `<p>Two lines:\nthe second one, and a link ${A('https://example.com/docs?page=1', 'https://example.com/docs?page=1')}.</p>`);
    assert.equal(textOf(render(text)), text);
  });

  it('renders any plain sentence as one paragraph whose text is the message', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9,.'!?]{0,8}$/);
    const line = fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (lines) => {
        const text = lines.join('\n');
        const out = render(text);
        assert.equal(out.length, 1);
        assert.equal(textOf(out), text);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps HTML as its text', () => {
    assert.equal(html('<img src=x onerror=alert(1)>'), '<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    assert.equal(html('javascript:alert(2) and <script>alert(3)</script>'), '<p>javascript:alert(2) and &lt;script&gt;alert(3)&lt;/script&gt;</p>');
    assert.equal(html('a <b>bold</b> word'), '<p>a &lt;b&gt;bold&lt;/b&gt; word</p>');
    assert.equal(html('<div>\n*not emphasis*\n</div>'), '<p>&lt;div&gt;\n*not emphasis*\n&lt;/div&gt;</p>');
  });

  it('shows entities and backslash escapes as written', () => {
    assert.equal(html('fish &amp; chips &copy; \\*not em\\*'), '<p>fish &amp;amp; chips &amp;copy; *not em*</p>');
  });
});

describe('markdown: inline constructs', () => {
  it('bold, italic, strikethrough and inline code', () => {
    assert.equal(html('**bold** __also__ *it* _also_ ~~gone~~ `a < b`'), '<p><strong>bold</strong> <strong>also</strong> <em>it</em> <em>also</em> <del>gone</del> <code>a &lt; b</code></p>');
    assert.equal(html('***both***'), '<p><em><strong>both</strong></em></p>');
    assert.equal(html('snake_case_name stays'), '<p>snake_case_name stays</p>');
    assert.equal(html('`` code with ` tick ``'), '<p><code>code with ` tick</code></p>');
  });

  it('a hard break ("  \\n" or "\\\\\\n") is a text newline', () => {
    assert.equal(html('one  \ntwo'), '<p>one\ntwo</p>');
    assert.equal(html('one\\\ntwo'), '<p>one\ntwo</p>');
  });

  it('links with text and title, angle-bracket autolinks, www. and e-mail addresses', () => {
    assert.equal(html('[the docs](https://example.com/a_b "Docs")'), `<p><a href="https://example.com/a_b" rel="noopener noreferrer" target="_blank" title="Docs">the docs</a></p>`);
    assert.equal(html('[**bold** link](http://example.com)'), `<p>${A('http://example.com/', '<strong>bold</strong> link')}</p>`);
    assert.equal(html('<https://example.com/x>'), `<p>${A('https://example.com/x', 'https://example.com/x')}</p>`);
    assert.equal(html('see www.example.com.'), `<p>see ${A('http://www.example.com/', 'www.example.com')}.</p>`);
    assert.equal(html('mail bob@example.com'), `<p>mail ${A('mailto:bob@example.com', 'bob@example.com')}</p>`);
    assert.equal(html('[write](mailto:bob@example.com)'), `<p>${A('mailto:bob@example.com', 'write')}</p>`);
  });

  it('a bare URL keeps the trailing-punctuation rules of plain-text linking', () => {
    const link = (url: string): string => A(url, url);
    assert.equal(html('(see https://x.example/a)'), `<p>(see ${link('https://x.example/a')})</p>`);
    assert.equal(html('https://en.wikipedia.org/wiki/Foo_(bar)'), `<p>${link('https://en.wikipedia.org/wiki/Foo_(bar)')}</p>`);
    assert.equal(html('“https://x.example/a’'), `<p>“${link('https://x.example/a')}’</p>`);
    assert.equal(html('is it https://x.example/a?!'), `<p>is it ${link('https://x.example/a')}?!</p>`);
    assert.equal(html('"https://x.example/a"'), `<p>"${link('https://x.example/a')}"</p>`);
    assert.equal(html('https://x.example/a_b_c and https://x.example/*star*'), `<p>${link('https://x.example/a_b_c')} and ${link('https://x.example/*star')}*</p>`);
  });

  it('a link inside a link is its text', () => {
    assert.equal(html('[see ![logo](https://x.example/l.png)](https://x.example)'), `<p>${A('https://x.example/', 'see logo')}</p>`);
  });

  it('an image is a link named by its alt text (or its address), never an image', () => {
    assert.equal(html('![a cat](https://x.example/cat.png)'), `<p>${A('https://x.example/cat.png', 'a cat')}</p>`);
    assert.equal(html('![](https://x.example/cat.png)'), `<p>${A('https://x.example/cat.png', 'https://x.example/cat.png')}</p>`);
  });

  it('a reference link resolves; its definition stays visible', () => {
    assert.equal(html('[docs][d]\n\n[d]: https://x.example/docs'), `<p>${A('https://x.example/docs', 'docs')}</p><p>[d]: https://x.example/docs</p>`);
  });
});

describe('markdown: blocks', () => {
  it('paragraphs', () => {
    assert.equal(html('one\n\ntwo'), '<p>one</p><p>two</p>');
  });

  it('a heading is a bold line, not a heading element', () => {
    assert.equal(html('# Title\ntext'), '<p class="md-heading"><strong>Title</strong></p><p>text</p>');
    assert.equal(html('Setext\n---'), '<p class="md-heading"><strong>Setext</strong></p>');
    assert.equal(html('###### six *em*'), '<p class="md-heading"><strong>six <em>em</em></strong></p>');
  });

  it('block quotes, nested, with Markdown inside', () => {
    assert.equal(html('> quoted **text**\n> more\n\nafter'), '<blockquote><p>quoted <strong>text</strong>\nmore</p></blockquote><p>after</p>');
    assert.equal(html('> outer\n>> inner'), '<blockquote><p>outer</p><blockquote><p>inner</p></blockquote></blockquote>');
  });

  it('unordered, ordered (with a start), nested and task lists', () => {
    assert.equal(html('- a\n- *b*'), '<ul><li>a</li><li><em>b</em></li></ul>');
    assert.equal(html('* a\n+ b'), '<ul><li>a</li></ul><ul><li>b</li></ul>');
    assert.equal(html('1. one\n2. two'), '<ol><li>one</li><li>two</li></ol>');
    assert.equal(html('3. three\n4. four'), '<ol start="3"><li>three</li><li>four</li></ol>');
    assert.equal(html('- a\n  - b\n    1. c'), '<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>');
    assert.equal(html('- a\n\n- b'), '<ul><li><p>a</p></li><li><p>b</p></li></ul>');
    assert.equal(html('- [ ] todo\n- [x] done'), '<ul><li><span class="md-task">☐ </span>todo</li><li><span class="md-task">☑ </span>done</li></ul>');
  });

  it('a fenced code block: monospace, focusable and labelled, plain until the highlighter is there', () => {
    assert.equal(html('```\nplain <b>\n```'), '<pre aria-label="Code" class="md-code" role="group" tabIndex="0"><code>plain &lt;b&gt;</code></pre>');
    assert.equal(html('```js\nconst a = 1;\n```'), '<pre aria-label="Code, js" class="md-code" role="group" tabIndex="0"><code>const a = 1;</code></pre>');
    assert.equal(html('~~~\ntildes\n~~~'), '<pre aria-label="Code" class="md-code" role="group" tabIndex="0"><code>tildes</code></pre>');
    assert.equal(html('    indented'), '<pre aria-label="Code" class="md-code" role="group" tabIndex="0"><code>indented</code></pre>');
  });

  it('highlights a fenced block in a known language as hljs spans', () => {
    assert.equal(
      html('```js\nconst a = "x"; // note\n```', highlight),
      '<pre aria-label="Code, js" class="md-code" role="group" tabIndex="0"><code><span class="hljs-keyword">const</span> a = <span class="hljs-string">"x"</span>; <span class="hljs-comment">// note</span></code></pre>',
    );
    const python = html('```Python\ndef f(): pass\n```', highlight);
    assert.match(python, /<span class="hljs-keyword">def<\/span>/);
    assert.match(python, /aria-label="Code, Python"/);
    // An unknown language and an indented block stay plain text.
    assert.equal(html('```brainfuck\n+[-]\n```', highlight), '<pre aria-label="Code, brainfuck" class="md-code" role="group" tabIndex="0"><code>+[-]</code></pre>');
    assert.doesNotMatch(html('    const a = 1;', highlight), /hljs/);
    // The code's text is unchanged by highlighting.
    const code = 'SELECT * FROM t WHERE a < 1 AND b = \'<x>\';';
    assert.equal(textOf(render(`\`\`\`sql\n${code}\n\`\`\``, highlight)), code);
  });

  it('wants the highlighter only for a fenced block in a language it knows, wherever it is', () => {
    assert.equal(wantsHighlighter(lexMarkdown('```\nx\n```')), false);
    assert.equal(wantsHighlighter(lexMarkdown('```brainfuck\nx\n```')), false);
    assert.equal(wantsHighlighter(lexMarkdown('    indented')), false);
    assert.equal(wantsHighlighter(lexMarkdown('just `code`')), false);
    assert.equal(wantsHighlighter(lexMarkdown('```ts\nx\n```')), true);
    assert.equal(wantsHighlighter(lexMarkdown('> ```go\n> x\n> ```')), true);
    assert.equal(wantsHighlighter(lexMarkdown('- item\n\n  ```bash\n  ls\n  ```')), true);
  });

  it('every language name the main bundle lists is one the highlighter knows', () => {
    for (const name of HIGHLIGHTED_LANGUAGES) assert.ok(knowsLanguage(name), name);
    assert.equal(highlightedLanguage('TypeScript {linenos}'), 'typescript');
    assert.equal(highlightedLanguage(''), undefined);
    assert.equal(highlightedLanguage(undefined), undefined);
  });

  it('a table: header cells with scope, alignment, in a focusable scrolling wrapper', () => {
    assert.equal(
      html('| name | n |\n|:--|--:|\n| *a* | 1 |'),
      '<div aria-label="Table" class="md-table" role="group" tabIndex="0"><table><thead><tr><th class="md-align-left" scope="col">name</th><th class="md-align-right" scope="col">n</th></tr></thead>' +
        '<tbody><tr><td class="md-align-left"><em>a</em></td><td class="md-align-right">1</td></tr></tbody></table></div>',
    );
  });

  it('a thematic break', () => {
    assert.equal(html('above\n\n---\n\nbelow'), '<p>above</p><hr></hr><p>below</p>');
  });
});

describe('markdown: parsing once', () => {
  it('parses a text once and hands out the same tokens again', () => {
    const text = `cached ${Math.random()}`;
    assert.equal(parseMarkdown(text), parseMarkdown(text));
  });

  it('a bounded cache forgets the least recently used entry', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1); // a is now the most recent
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });
});

describe('markdown: link targets', () => {
  it('allows absolute http, https and mailto addresses only', () => {
    assert.equal(safeHref('https://example.com/a b'), undefined);
    assert.equal(safeHref('HTTPS://Example.COM/x'), 'https://example.com/x');
    assert.equal(safeHref('mailto:bob@example.com'), 'mailto:bob@example.com');
    for (const target of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', '\u0000javascript:alert(1)', 'java\tscript:alert(1)', 'java&#x09;script:alert(1)', '&#106;avascript:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example', '/relative', 'relative', 'ftp://example.com', 'file:///etc/passwd', 'http:', 'https://', '\u2028https://x.example']) {
      assert.equal(safeHref(target), undefined, JSON.stringify(target));
    }
  });

  it('splits the sentence’s punctuation off a bare URL', () => {
    assert.deepEqual(splitBareUrl('https://x.example/a.'), { url: 'https://x.example/a', rest: '.' });
    assert.deepEqual(splitBareUrl('https://x.example/a).'), { url: 'https://x.example/a', rest: ').' });
    assert.deepEqual(splitBareUrl('https://x.example/(a)'), { url: 'https://x.example/(a)', rest: '' });
    assert.deepEqual(splitBareUrl('https://x.example/a”»'), { url: 'https://x.example/a', rest: '”»' });
  });
});

// The hostile inputs: OWASP filter-evasion style, and Markdown's own ways to make a link.
const HOSTILE: readonly string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  'hi <img src=x onerror=alert(1)> there',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<x onclick=alert(1)>click</x>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<style>*{background:url(javascript:alert(1))}</style>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<!--<script>alert(1)</script>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '\u0000<script>alert(1)</script>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](java&#x09;script:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](jav&#x0A;ascript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;avascript:alert(1))',
  '[x](javascript&colon;alert(1))',
  '[x]( javascript:alert(1))',
  '[x](<javascript:alert(1)>)',
  '[x](\u0000javascript:alert(1))',
  '[x](\u0001javascript:alert(1))',
  '[x](\u2028javascript:alert(1))',
  '[x](javascript:alert(1) "title")',
  '[x](javascript:/*https://ok.example*/alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](data:text/html,<script>alert(1)</script>)',
  '[x](//evil.example/path)',
  '[x](/relative/path)',
  '[x](file:///etc/passwd)',
  '<javascript:alert(1)>',
  '<JAVASCRIPT:alert(1)>',
  '<data:text/html,alert(1)>',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x" onerror="alert(1)](https://ok.example/i.png)',
  '[x][r]\n\n[r]: javascript:alert(1)',
  '[x]\n\n[x]: JAVASCRIPT:alert(1)',
  '[x][r]\n\n[r]: <data:text/html,x> "t"',
  '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
  '[x](https://ok.example) onclick=alert(1)',
  '[<img src=x onerror=alert(1)>](https://ok.example)',
  '**<script>alert(1)</script>**',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```',
  '```"><img src=x onerror=alert(1)>\ncode\n```',
  '<http://ok.example/" onmouseover="alert(1)>',
  'https://ok.example/"><script>alert(1)</script>',
  'ftp://ok.example/file and <ftp://ok.example/file>',
  '| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |\n|---|---|\n| a | b |',
  '> <iframe src=javascript:alert(1)>\n> - [x](javascript:alert(1))',
];

// Everything render.ts may put on an element, with the values it may take.
const ALLOWED_PROPS: Record<string, (value: unknown, type: string) => boolean> = {
  children: () => true,
  class: (value) => typeof value === 'string' && /^(?:md-[a-z-]+|hljs-[\w-]+(?: hljs-[\w-]+| [\w]+_)*)$/.test(value),
  href: (value, type) => type === 'a' && typeof value === 'string' && ['http:', 'https:', 'mailto:'].includes(new URL(value).protocol),
  target: (value) => value === '_blank',
  rel: (value) => value === 'noopener noreferrer',
  title: (value) => typeof value === 'string',
  start: (value, type) => type === 'ol' && typeof value === 'number',
  tabIndex: (value) => value === 0,
  role: (value) => value === 'group',
  'aria-label': (value) => typeof value === 'string',
  scope: (value) => value === 'col',
};

function assertSafe(text: string, children: ComponentChildren): void {
  for (const { node } of elements(children)) {
    const type = node.type;
    assert.equal(typeof type, 'string', `${JSON.stringify(text)}: only plain elements, no components`);
    assert.ok(MARKDOWN_ELEMENTS.has(type as string), `${JSON.stringify(text)}: <${String(type)}> is not allowed`);
    assert.ok(['p', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr', 'span', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td'].includes(type as string));
    for (const [name, value] of Object.entries(node.props)) {
      if (value === undefined || value === null) continue;
      assert.ok(!/^on/i.test(name), `${JSON.stringify(text)}: event handler ${name}`);
      assert.notEqual(name, 'dangerouslySetInnerHTML');
      const allowed = ALLOWED_PROPS[name];
      assert.ok(allowed !== undefined, `${JSON.stringify(text)}: attribute ${name} on <${String(type)}>`);
      assert.ok(allowed(value, type as string), `${JSON.stringify(text)}: ${name}=${JSON.stringify(value)} on <${String(type)}>`);
    }
    if (type === 'a') {
      assert.equal(node.props.target, '_blank');
      assert.equal(node.props.rel, 'noopener noreferrer');
      assert.equal(typeof node.props.href, 'string');
    }
  }
}

describe('markdown: hostile input', () => {
  it(`renders ${HOSTILE.length} hostile messages to allowed elements, attributes and link schemes only`, () => {
    assert.ok(HOSTILE.length >= 40);
    for (const text of HOSTILE) {
      assertSafe(text, render(text));
      assertSafe(text, render(text, highlight));
    }
  });

  it('shows a refused link as the Markdown it was written as', () => {
    for (const text of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](java&#x09;script:alert(1))', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', '![x](javascript:alert(1))', '<javascript:alert(1)>']) {
      const out = render(text);
      assert.equal(elements(out).filter(({ node }) => node.type === 'a').length, 0, text);
      assert.equal(textOf(out), text);
    }
    assert.equal(html('[x][r]\n\n[r]: javascript:alert(1)'), '<p>[x][r]</p><p>[r]: javascript:alert(1)</p>');
    assert.equal(html('see ftp://ok.example/file'), '<p>see ftp://ok.example/file</p>');
  });

  it('keeps hostile HTML visible as text', () => {
    assert.equal(textOf(render('<svg onload=alert(1)>')), '<svg onload=alert(1)>');
    assert.equal(textOf(render('hi <img src=x onerror=alert(1)> there')), 'hi <img src=x onerror=alert(1)> there');
    assert.equal(textOf(render('```html\n<script>alert(1)</script>\n```', highlight)), '<script>alert(1)</script>');
  });

  it('stays safe for any mix of Markdown and HTML punctuation', () => {
    const piece = fc.constantFrom('[', ']', '(', ')', '<', '>', '!', '*', '_', '`', '~', '#', '-', '|', '\n', ' ', '"', "'", '&#', ';', 'javascript:', 'data:', 'https://x.example', 'on', '=', 'a', ':', '\\', '\t');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        assertSafe(text, render(text, highlight));
      }),
      { numRuns: 500 },
    );
  });
});

describe('markdown: pathological input renders quickly and bounded', () => {
  const nestedList = Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n');
  const cases: Record<string, string> = {
    '4000 *': '*'.repeat(4000),
    '4000 _': '_'.repeat(4000),
    '4000 [': '['.repeat(4000),
    '4000 ]': ']'.repeat(4000),
    '4000 >': '>'.repeat(4000),
    '2000 "> "': '> '.repeat(2000),
    '4000 `': '`'.repeat(4000),
    '4000 ~': '~'.repeat(4000),
    '4000 <': '<'.repeat(4000),
    '4000 \\': '\\'.repeat(4000),
    '4000 !': '!'.repeat(4000),
    '4000 |': '|'.repeat(4000),
    '"1. " repeated': '1. '.repeat(1333),
    '"- > " repeated': '- > '.repeat(1000),
    '"*a" repeated': '*a'.repeat(2000),
    '"**_" repeated': '**_'.repeat(1333),
    '"[a](" repeated': '[a]('.repeat(800),
    'nested emphasis': `${'*a '.repeat(600)}x${' a*'.repeat(600)}`,
    'nested links': `${'[a '.repeat(600)}x${'](https://x.example)'.repeat(600)}`,
    'nested list 100 deep': nestedList,
    'long code line': `\`\`\`js\n${'const a = 1; '.repeat(300)}\n\`\`\``,
  };

  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      const out = render(text, highlight);
      assertSafe(name, out);
      const all = elements(out);
      assert.ok(all.length < 20_000, `${all.length} elements`);
      const depth = Math.max(0, ...all.map((e) => e.depth));
      assert.ok(depth <= 4 * MAX_BLOCK_DEPTH + 30, `nested ${depth} deep`);
      // Something is on screen: text, or (for a lone code fence or a rule) the block itself.
      assert.ok(textOf(out).trim().length > 0 || all.length > 0, 'something is shown');
    });
  }

  it('a list nested 100 deep shows every item, nesting bounded', () => {
    const out = render(nestedList);
    const text = textOf(out);
    for (let i = 0; i < 100; i++) assert.ok(text.includes(`item ${i}`), `item ${i}`);
    const lists = elements(out).filter(({ node }) => node.type === 'ul');
    assert.ok(lists.length >= 5 && lists.length <= MAX_BLOCK_DEPTH, `${lists.length} nested lists`);
  });

  it('2000 nested quotes show as a few quotes and the rest as text', () => {
    const out = render('> '.repeat(2000) + 'deep');
    assert.ok(textOf(out).endsWith('deep'));
    assert.ok(elements(out).filter(({ node }) => node.type === 'blockquote').length <= MAX_BLOCK_DEPTH);
  });
});
