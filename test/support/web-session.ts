/**
 * What every browser test of the web app does: start a real server that serves the built app,
 * launch Debian's Chromium, register and sign in people, send, wait, and check a view with
 * axe-core. Each browser test file starts its own server and browser with `startWebTest`.
 */
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_ARGS, RestartableServer, chromiumPath, ensureWebBuilt, servesWebApp } from './browser.js';
import { freePort } from './cluster.js';

export const PASSWORD = 'correct horse battery staple';

const executablePath = chromiumPath();

/**
 * The `skip` option of a browser suite: a loud skip without Chromium, except under CI=true,
 * where `startWebTest` fails instead.
 */
export function browserSkip(): string | false {
  const skip = executablePath === undefined && process.env.CI !== 'true' ? 'Chromium is not installed (apt-get install -y chromium): browser tests SKIPPED' : false;
  if (skip !== false) process.stderr.write(`\n!!! ${skip} !!!\n\n`);
  return skip;
}

export interface PageOptions {
  readonly colorScheme?: 'light' | 'dark';
  readonly viewport?: { width: number; height: number };
}

export interface WebTest {
  readonly server: RestartableServer;
  readonly url: string;
  readonly browser: Browser;
  /** Every `alert`/`confirm`/`beforeunload` message a page showed (each is dismissed). */
  readonly dialogs: string[];
  /** Uncaught errors of every page: a test can assert there were none. */
  readonly pageErrors: string[];
  /** A page in a new browser profile, or a new tab of `context`. */
  open(options?: PageOptions & { context?: BrowserContext }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Starts a server serving the built web app and a headless Chromium. */
export async function startWebTest(env: Record<string, string> = {}): Promise<WebTest> {
  if (executablePath === undefined) throw new Error('Chromium is required under CI=true: apt-get install -y chromium');
  ensureWebBuilt();
  const server = new RestartableServer(await freePort(), { PRESENCE_GRACE_MS: '300', ...env });
  await server.start();
  assert.ok(await servesWebApp(server.url), 'the server does not serve the web app');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  return {
    server,
    url: server.url,
    browser,
    dialogs,
    pageErrors,
    async open(options = {}) {
      const context = options.context ?? (await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light' }));
      const page = await context.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.setDefaultTimeout(15_000);
      return { context, page };
    },
    async close() {
      await browser.close();
      await server.destroy();
    },
  };
}

/** Polls `check` until it returns true (or a value), failing with `what` after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | false | undefined> | T | false | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The seqs of the stored messages the page shows, in order. */
export function shownSeqs(page: Page): Promise<number[]> {
  return page.$$eval('.messages .message[data-seq]', (elements) => elements.map((element) => Number(element.getAttribute('data-seq'))));
}

export function shownTexts(page: Page): Promise<string[]> {
  return page.locator('.messages .message-text').allTextContents();
}

export async function register(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Rooms and conversations' }).waitFor();
}

export async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Rooms and conversations' }).waitFor();
}

/** The rooms and conversations the sidebar lists, by key. */
export function sidebarRooms(page: Page): Promise<string[]> {
  return page.$$eval('.sidebar [data-room]', (elements) => elements.map((element) => element.getAttribute('data-room') ?? ''));
}

/** Views a public room by its link and joins it from the bar under it. */
export async function joinByLink(page: Page, url: string, room: string): Promise<void> {
  await page.goto(`${url}/#/r/${room}`);
  await page.getByRole('button', { name: `Join #${room}` }).click();
  await page.locator(`.sidebar [data-room="${room}"]`).waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('#composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Runs axe-core on the page as it is (WCAG 2.1 A and AA rules) and fails with every violation
 * listed: rule, impact and the elements it found.
 */
export async function assertAccessible(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const problems = result.violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`);
  assert.deepEqual(problems, [], `axe-core found problems in ${view}:\n  ${problems.join('\n  ')}`);
}
