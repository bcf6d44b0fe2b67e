// Markdown in messages, in a real browser against a real server: what alice and a script (dave)
// send comes back rendered (bold, italic, strikethrough, code, quotes, lists, links, a table);
// a code block is highlighted once the highlighter chunk, requested only then, has arrived;
// hostile Markdown and HTML create no element outside the renderer's allow-list, no event
// attribute and no link other than http(s)/mailto, and nothing runs (no dialog, no window
// flag). The view passes axe-core in light and dark and at phone width, where wide code and
// tables scroll inside the message instead of widening the page. The formatter (marked and the
// renderer) is a chunk of its own, requested once at start-up: held back, the room shows plain
// text with links, then the same messages formatted, still scrolled to the bottom; a failed load
// is tried again by the next message. Screenshots go to the temporary folder's hubbub-markdown/.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { MARKDOWN_ELEMENTS } from '../web/src/markdown/render.js';
import { PASSWORD, assertAccessible, browserSkip, register, send, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-markdown');

const ROOM = 'markdown';
/** A room whose messages are all taller formatted than as plain text. */
const TALL_ROOM = 'tall-tables';

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

/** A table of `rows` rows: formatted (cells have padding and borders) it is taller than as text. */
const tallTable = (name: string, rows: number): string =>
  [`| ${name} | value |`, '|---|---|', ...Array.from({ length: rows }, (_, i) => `| row ${i + 1} | ${name} ${i + 1} |`)].join('\n');

/** The formatter chunk's URL (web/src/markdown/markdown.ts, loaded by load-markdown.ts). */
const MARKDOWN_CHUNK = /\/assets\/markdown-[\w-]+\.js$/;

/** How far the message list is from its bottom, in pixels. */
const bottomGap = (page: Page): Promise<number> => page.locator('.messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

/** Two animation frames: whatever reacts to a layout change has run and been painted. */
const frames = (page: Page): Promise<void> => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));

/** What the page shows of a message whose text contains `text` (case-sensitive). */
const messageText = (page: Page, text: string) => page.locator('.message-text', { hasText: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });

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
    await assertAccessible(page, 'messages with Markdown (light)');
    await page.screenshot({ path: join(SHOTS, 'markdown-light.png') });

    const dark = await web.open({ colorScheme: 'dark' });
    await signIn(dark.page, web.url, 'alice');
    await dark.page.locator(`.sidebar [data-room="${ROOM}"]`).click();
    await dark.page.locator('pre.md-code .hljs-comment', { hasText: 'adds, again' }).waitFor();
    await assertAccessible(dark.page, 'messages with Markdown (dark)');
    await dark.page.screenshot({ path: join(SHOTS, 'markdown-dark.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    await until(async () => (await page.evaluate(() => document.documentElement.clientWidth)) === 390, 'the phone viewport');
    await assertAccessible(page, 'messages with Markdown (phone)');
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
  it('loads the formatter once at start-up; until it arrives messages are plain text with links, then formatted, still at the bottom', async () => {
    // A room of alice's own messages (so that it opens at its end, not at an unread marker):
    // tables that are taller formatted than as text, and a last line with bold and a bare link.
    await page.getByRole('button', { name: 'Create a room' }).first().click();
    await page.getByLabel('Room name').fill(TALL_ROOM);
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: TALL_ROOM }).waitFor();
    await dave.join(TALL_ROOM);
    for (const name of ['first', 'second', 'third', 'fourth']) {
      await send(page, tallTable(`tall ${name}`, 14));
      await page.locator('.md-table', { hasText: `tall ${name} 14` }).waitFor();
    }
    await send(page, 'Last: **bold** and https://example.com/last.');
    await messageText(page, 'Last: ').locator('strong').waitFor();

    // A new profile whose formatter chunk is held back until the test lets it through.
    const { context, page: late } = await web.open();
    const chunkRequests: string[] = [];
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await late.route(MARKDOWN_CHUNK, async (route) => {
      chunkRequests.push(route.request().url());
      await held;
      await route.continue();
    });
    await late.goto(web.url);
    await late.getByLabel('Username').waitFor();
    await until(() => chunkRequests.length === 1, 'the formatter requested at start-up, on the sign-in screen');
    await late.getByLabel('Username').fill('alice');
    await late.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await late.getByRole('button', { name: 'Sign in' }).click();
    await late.locator(`.sidebar [data-room="${TALL_ROOM}"]`).click();

    const last = messageText(late, 'Last: ');
    await last.waitFor();
    assert.equal(await last.textContent(), 'Last: **bold** and https://example.com/last.', 'plain text until the formatter arrives');
    assert.equal(await last.locator('strong').count(), 0);
    assert.equal(await last.locator('a').getAttribute('href'), 'https://example.com/last', 'bare links are links already');
    assert.equal(await late.locator('.messages .md-table').count(), 0);
    await until(async () => (await bottomGap(late)) < 2, 'the room opened at its bottom');
    const plainHeight = await late.locator('.messages').evaluate((el) => el.scrollHeight);
    await late.screenshot({ path: join(SHOTS, 'markdown-before-formatter.png') });

    release();
    await last.locator('strong', { hasText: 'bold' }).waitFor();
    await late.locator('.messages .md-table', { hasText: 'tall third 12' }).waitFor();
    await frames(late);
    const formattedHeight = await late.locator('.messages').evaluate((el) => el.scrollHeight);
    assert.ok(formattedHeight > plainHeight + 100, `formatting made the list taller (${plainHeight}px to ${formattedHeight}px): the check below means something`);
    assert.ok((await bottomGap(late)) < 2, `still at the bottom after formatting (${await bottomGap(late)}px above it)`);
    assert.equal(await last.textContent(), 'Last: bold and https://example.com/last.');
    await late.screenshot({ path: join(SHOTS, 'markdown-after-formatter.png') });

    // Later messages are formatted as they come; the chunk is not asked for again.
    await dave.send(TALL_ROOM, 'After the formatter: _italic_');
    await messageText(late, 'After the formatter').locator('em', { hasText: 'italic' }).waitFor();
    await frames(late);
    assert.ok((await bottomGap(late)) < 2, 'a new message keeps the list at the bottom');
    assert.equal(chunkRequests.length, 1, 'the formatter chunk was requested once');
    await context.close();
  });

  it('while the formatter cannot be loaded messages stay plain text; the next message tries again', async () => {
    const { context, page: offline } = await web.open();
    const chunkRequests: string[] = [];
    let online = false;
    await offline.route(MARKDOWN_CHUNK, async (route) => {
      chunkRequests.push(route.request().url());
      if (online) await route.continue();
      else await route.abort('internetdisconnected');
    });
    await signIn(offline, web.url, 'alice');
    await offline.locator(`.sidebar [data-room="${TALL_ROOM}"]`).click();
    const last = messageText(offline, 'Last: ');
    await last.waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await last.textContent(), 'Last: **bold** and https://example.com/last.', 'plain text after the failed load');
    assert.equal(await last.locator('a').getAttribute('href'), 'https://example.com/last');
    const failed = chunkRequests.length;
    assert.ok(failed >= 1, 'the formatter was asked for');

    online = true;
    await dave.send(TALL_ROOM, 'Retry the formatter: **now bold**');
    await messageText(offline, 'Retry the formatter').locator('strong', { hasText: 'now bold' }).waitFor();
    await last.locator('strong', { hasText: 'bold' }).waitFor();
    assert.equal(chunkRequests.length, failed + 1, 'the next message asked again, once');
    assert.deepEqual(web.pageErrors, [], 'a failed load is not an uncaught error');
    await context.close();
  });
});
