// Markdown in messages, in a real browser against a real server: what alice and a script (dave)
// send comes back rendered (bold, italic, strikethrough, code, quotes, lists, links, a table);
// a code block is highlighted once the highlighter chunk, requested only then, has arrived;
// hostile Markdown and HTML create no element outside the renderer's allow-list, no event
// attribute and no link other than http(s)/mailto, and nothing runs (no dialog, no window
// flag). The view passes axe-core in light and dark and at phone width, where wide code and
// tables scroll inside the message instead of widening the page. Screenshots go to
// /tmp/shots-h-md/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { MARKDOWN_ELEMENTS } from '../web/src/markdown/render.js';
import { browserSkip, register, send, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = '/tmp/shots-h-md';

const ROOM = 'markdown';

// Every payload that could run script sets this flag (or opens a dialog, which the shared
// handler records).
const PWN = 'window.__pwned=1';
const HOSTILE: readonly string[] = [
  `<script>${PWN}</script>`,
  `<img src=x onerror=${PWN}>`,
  `inline <img src=x onerror="${PWN}"> html`,
  `<svg onload=${PWN}>`,
  `<iframe src="javascript:${PWN}"></iframe>`,
  `<iframe srcdoc="<script>parent.${PWN}</script>"></iframe>`,
  `<a href="javascript:${PWN}">click</a>`,
  `<details open ontoggle=${PWN}>x</details>`,
  `<body onload=alert(1)>`,
  `<style>@import 'javascript:${PWN}';</style>`,
  `<object data="javascript:${PWN}"></object>`,
  `[link](javascript:${PWN})`,
  `[link](JaVaScRiPt:${PWN})`,
  `[link](java&#x09;script:${PWN})`,
  `[link](&#106;avascript:${PWN})`,
  `[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `[link](vbscript:msgbox(1))`,
  `[link](//evil.example/x)`,
  `<javascript:${PWN}>`,
  `![image](javascript:${PWN})`,
  `![image" onerror="${PWN}](https://example.com/i.png)`,
  `[ref][r]\n\n[r]: javascript:${PWN}`,
  `[x](https://example.com "t\\" onmouseover=\\"${PWN}")`,
  `**<script>${PWN}</script>**`,
  '```html\n<script>window.__pwned=1</script><img src=x onerror=alert(1)>\n```',
  '```"><img src=x onerror=alert(1)>\ncode\n```',
  `| <img src=x onerror=alert(1)> | [x](javascript:${PWN}) |\n|---|---|\n| a | b |`,
  `> <iframe src=javascript:alert(1)>\n> - [x](javascript:${PWN})`,
];

const NORMAL = [
  '> Quoted **with bold**',
  '',
  '- first item',
  '- second item with `inline code`',
  '',
  '1. one',
  '2. two',
  '',
  '[the docs](https://example.com/docs) and https://example.com/x.',
].join('\n');

const CODE = [
  '```ts',
  '// a function that adds',
  'export function add(a: number, b: number): number {',
  '  return a + b; // a long line to scroll sideways on a phone, which it has to, being this long',
  '}',
  '```',
].join('\n');

const TABLE = ['| column one | column two | column three | column four | column five |', '|---|:-:|--:|---|---|', '| alpha | beta | gamma | delta | a rather long cell |'].join('\n');

/** What the page shows of a message whose text contains `text` (case-sensitive). */
const messageText = (page: Page, text: string) => page.locator('.message-text', { hasText: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });

/**
 * axe-core (WCAG 2.1 A and AA) on the page, as `assertAccessible`, with one problem that is not
 * this feature's left out: the message list's day dividers are `<li role="separator">`, which
 * axe's `list` rule reports on `.message-groups` itself (web/src/ui/MessageList.tsx; the
 * Markdown lists inside messages are still checked by the same rule).
 */
async function assertMarkdownAccessible(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const problems = result.violations.flatMap((v) =>
    v.nodes.filter((n) => !(v.id === 'list' && n.target.join(' ') === '.message-groups')).map((n) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}: ${n.target.join(' ')}`),
  );
  assert.deepEqual(problems, [], `axe-core found problems in ${view}`);
}

describe('Markdown in messages, in Chromium', { skip }, () => {
  let web: WebTest;
  let page: Page;
  let dave: HubbubSocket;
  const requests: string[] = [];
  const highlighterRequests = (): string[] => requests.filter((url) => /\/assets\/highlighter-[\w-]+\.js$/.test(url));

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebTest({ MESSAGE_RATE_LIMIT: '0' });
    ({ page } = await web.open());
    page.on('request', (request) => requests.push(request.url()));
    await register(page, web.url, 'alice');
    await page.getByRole('button', { name: 'Create a room' }).first().click();
    await page.getByLabel('Room name').fill(ROOM);
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: ROOM }).waitFor();
    dave = await web.server.server.connect(await web.server.server.tokenFor('dave'));
    await dave.join(ROOM);
  });

  after(async () => {
    dave?.close();
    await web?.close();
  });

  it('renders bold, italic, strikethrough, code, quotes, lists and links; plain text keeps its newlines', async () => {
    await send(page, '**bold** and _italic_ and ~~struck~~ and `a < b`');
    const inline = messageText(page, 'struck');
    await inline.locator('strong', { hasText: 'bold' }).waitFor();
    assert.equal(await inline.locator('em').textContent(), 'italic');
    assert.equal(await inline.locator('del').textContent(), 'struck');
    assert.equal(await inline.locator('code').textContent(), 'a < b');
    assert.equal(await inline.textContent(), 'bold and italic and struck and a < b');

    await dave.send(ROOM, NORMAL);
    const normal = messageText(page, 'Quoted');
    await normal.locator('blockquote strong', { hasText: 'with bold' }).waitFor();
    assert.deepEqual(await normal.locator('ul > li').allTextContents(), ['first item', 'second item with inline code']);
    assert.equal(await normal.locator('ul code').textContent(), 'inline code');
    assert.deepEqual(await normal.locator('ol > li').allTextContents(), ['one', 'two']);
    const links = normal.locator('a');
    assert.equal(await links.count(), 2);
    for (const [i, href] of ['https://example.com/docs', 'https://example.com/x'].entries()) {
      assert.equal(await links.nth(i).getAttribute('href'), href);
      assert.equal(await links.nth(i).getAttribute('target'), '_blank');
      assert.equal(await links.nth(i).getAttribute('rel'), 'noopener noreferrer');
    }
    assert.equal(await links.nth(1).textContent(), 'https://example.com/x', 'the full stop is not part of the link');

    // A plain message is one paragraph whose text is the message, newline included.
    await dave.send(ROOM, 'Plain lines:\nthe second, see https://example.com/docs?page=1.');
    const plain = messageText(page, 'Plain lines:');
    await plain.waitFor();
    assert.equal(await plain.textContent(), 'Plain lines:\nthe second, see https://example.com/docs?page=1.');
    assert.equal(await plain.locator('a').getAttribute('href'), 'https://example.com/docs?page=1');
    const lines = await plain.locator('p').evaluate((p) => Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)));
    assert.equal(lines, 2, 'the newline is a line break on screen');
  });

  it('loads the highlighter only when a code block in a known language arrives, then highlights it', async () => {
    await dave.send(ROOM, '```\nno language: stays plain\n```');
    await page.locator('pre.md-code', { hasText: 'no language' }).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(highlighterRequests(), [], 'no highlighter for plain code');

    await dave.send(ROOM, CODE);
    const pre = page.locator('pre.md-code', { hasText: 'function add' });
    await pre.locator('.hljs-keyword', { hasText: 'function' }).waitFor();
    await pre.locator('.hljs-comment', { hasText: '// a function that adds' }).waitFor();
    assert.equal(highlighterRequests().length, 1, 'the highlighter chunk, once');
    assert.equal(await pre.getAttribute('tabindex'), '0');
    assert.equal(await pre.getAttribute('aria-label'), 'Code, ts');
    assert.equal(await pre.locator('code').textContent(), CODE.split('\n').slice(1, -1).join('\n'), 'the code is unchanged');
    // Its colours are the theme's: a keyword is not the text colour.
    const [keyword, text] = await pre.evaluate((el) => [getComputedStyle(el.querySelector('.hljs-keyword')!).color, getComputedStyle(el).color]);
    assert.notEqual(keyword, text);

    await dave.send(ROOM, TABLE);
    const table = page.locator('.md-table table', { hasText: 'column one' });
    await table.waitFor();
    assert.equal(await table.locator('thead th[scope="col"]').count(), 5);
    assert.deepEqual(await table.locator('tbody td').allTextContents(), ['alpha', 'beta', 'gamma', 'delta', 'a rather long cell']);
  });

  it('renders hostile Markdown and HTML as text: allowed elements only, no event attribute, safe links, nothing runs', async () => {
    for (const text of HOSTILE) await dave.send(ROOM, text);
    await dave.send(ROOM, 'hostile input done');
    await messageText(page, 'hostile input done').waitFor();
    await messageText(page, `<svg onload=${PWN}>`).waitFor();
    // Give anything that might run (an onerror, a frame) time to do so.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const found = await page.$$eval('.messages .message-text *', (elements) =>
      elements.map((element) => ({
        tag: element.tagName.toLowerCase(),
        attributes: Array.from(element.attributes, (a) => a.name.toLowerCase()),
        href: element.getAttribute('href'),
      })),
    );
    assert.ok(found.length > 50, 'the messages rendered');
    for (const element of found) {
      assert.ok(MARKDOWN_ELEMENTS.has(element.tag), `<${element.tag}> in a message`);
      assert.deepEqual(
        element.attributes.filter((name) => name.startsWith('on') || name === 'src' || name === 'srcdoc' || name === 'style' || name === 'action' || name === 'data'),
        [],
        `<${element.tag}> has a dangerous attribute`,
      );
      if (element.href !== null) assert.ok(['http:', 'https:', 'mailto:'].includes(new URL(element.href).protocol), element.href);
    }
    assert.equal(await page.locator('.messages script, .messages img, .messages iframe, .messages svg, .messages object, .messages style, .messages form').count(), 0);
    // The hostile text is on screen as text.
    await messageText(page, '[link](javascript:window.__pwned=1)').waitFor();
    await messageText(page, `<img src=x onerror=${PWN}>`).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined, 'no script ran');
    assert.deepEqual(web.dialogs, [], 'no dialog opened');
    assert.deepEqual(web.pageErrors, [], 'no page error');
  });

  it('passes axe-core in light and dark, and at phone width code and tables scroll inside the message', async () => {
    await dave.send(ROOM, NORMAL.replace('Quoted', 'Again quoted'));
    await dave.send(ROOM, CODE.replace('adds', 'adds, again'));
    await page.locator('pre.md-code .hljs-comment', { hasText: 'adds, again' }).waitFor();
    await assertMarkdownAccessible(page, 'messages with Markdown (light)');
    await page.screenshot({ path: join(SHOTS, 'markdown-light.png') });

    const dark = await web.open({ colorScheme: 'dark' });
    await signIn(dark.page, web.url, 'alice');
    await dark.page.locator(`.sidebar [data-room="${ROOM}"]`).click();
    await dark.page.locator('pre.md-code .hljs-comment', { hasText: 'adds, again' }).waitFor();
    await assertMarkdownAccessible(dark.page, 'messages with Markdown (dark)');
    await dark.page.screenshot({ path: join(SHOTS, 'markdown-dark.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    await until(async () => (await page.evaluate(() => document.documentElement.clientWidth)) === 390, 'the phone viewport');
    await assertMarkdownAccessible(page, 'messages with Markdown (phone)');
    const widths = await page.evaluate(() => {
      const pre = Array.from(document.querySelectorAll('pre.md-code')).at(-1)!;
      const table = document.querySelector('.md-table')!;
      return { page: document.documentElement.scrollWidth, pre: [pre.scrollWidth, pre.clientWidth], table: [table.scrollWidth, table.clientWidth] };
    });
    assert.ok(widths.page <= 390, `the page is ${widths.page}px wide`);
    assert.ok(widths.pre[0]! > widths.pre[1]!, 'the long code line scrolls inside its block');
    assert.ok(widths.table[0]! > widths.table[1]!, 'the wide table scrolls inside its wrapper');
    await page.locator('.md-table').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'markdown-phone.png') });
    // The scrolling block is reachable by keyboard.
    await page.locator('pre.md-code').last().focus();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Code, ts');
    await page.setViewportSize({ width: 1280, height: 800 });
    await dark.context.close();
  });
});
