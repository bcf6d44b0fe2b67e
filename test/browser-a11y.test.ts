// Every view of the web app checked by axe-core (WCAG 2.1 A and AA) in light and in dark, at
// desktop and at phone width, with a screenshot of each in the temporary folder
// (hubbub-a11y-<scheme>-<view>.png) to look at.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { assertAccessible, browserSkip, register, startWebTest, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-a11y');

describe('accessibility of every view (axe-core)', { skip }, () => {
  let web: WebTest;
  let bobSocket: HubbubSocket;

  before(async () => {
    web = await startWebTest();
    mkdirSync(SHOTS, { recursive: true });
    // Someone to talk to, with a little history in a room and a conversation.
    const { page } = await web.open();
    await register(page, web.url, 'bob');
    await page.close();
    bobSocket = await web.server.server.connect(await web.server.server.tokenFor('bob'));
    await bobSocket.join('general');
    for (const text of ['Morning all', 'Deploy is out: **v2.3** with the new search', 'Anyone up for lunch?']) await bobSocket.send('general', text);
  });

  after(async () => {
    bobSocket?.close();
    await web?.close();
  });

  /** Checks the page as it is and keeps a screenshot of it. */
  const check = async (page: Page, scheme: string, view: string): Promise<void> => {
    await page.screenshot({ path: join(SHOTS, `${scheme}-${view}.png`) });
    await assertAccessible(page, `${view} (${scheme})`);
  };

  /** Opens a dialog with `open`, checks it, and closes it with Esc. */
  const checkDialog = async (page: Page, scheme: string, view: string, open: () => Promise<void>): Promise<void> => {
    await open();
    await page.getByRole('dialog').waitFor();
    await check(page, scheme, view);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  };

  for (const scheme of ['light', 'dark'] as const) {
    it(`the sign-in and sign-up forms, the chat and every dialog, in ${scheme}`, async () => {
      const { page } = await web.open({ colorScheme: scheme });
      await page.goto(web.url);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await check(page, scheme, 'sign-in');
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByRole('button', { name: 'Create account' }).waitFor();
      await check(page, scheme, 'sign-up');

      const me = `reader-${scheme}`;
      await register(page, web.url, me);
      await page.getByRole('heading', { name: `Hi ${me}` }).waitFor();
      await check(page, scheme, 'welcome');

      await page.goto(`${web.url}/#/r/general`);
      await page.getByRole('button', { name: 'Join #general' }).waitFor();
      await check(page, scheme, 'room-preview');
      await page.getByRole('button', { name: 'Join #general' }).click();
      await page.getByText('Anyone up for lunch?').waitFor();
      await check(page, scheme, 'room');

      await checkDialog(page, scheme, 'new-room', () => page.getByRole('button', { name: 'Create a room' }).first().click());
      await checkDialog(page, scheme, 'browse', () => page.getByRole('button', { name: 'Browse public rooms' }).click());
      await checkDialog(page, scheme, 'members', () => page.getByRole('button', { name: 'Show members', exact: true }).click());
      await checkDialog(page, scheme, 'new-dm', () => page.getByRole('button', { name: 'Start a direct message' }).click());

      // A private room: the invitation dialog and the question before leaving it.
      await page.getByRole('button', { name: 'Create a room' }).first().click();
      await page.getByLabel('Room name').fill(`quiet-${scheme}`);
      await page.getByLabel(/Private/).check();
      await page.getByRole('button', { name: 'Create room' }).click();
      await page.getByRole('heading', { name: `quiet-${scheme}` }).waitFor();
      await checkDialog(page, scheme, 'invite', () => page.getByRole('button', { name: 'Invite' }).click());
      await checkDialog(page, scheme, 'leave', () => page.getByRole('button', { name: 'Leave', exact: true }).click());

      // A direct conversation with a message in it.
      await bobSocket.request({ type: 'send', to: me, text: `Hi ${me}, welcome aboard`, clientMsgId: `hi-${scheme}` });
      await page.locator(`.sidebar [data-room^="dm:"]`).first().click();
      await page.getByText(`Hi ${me}, welcome aboard`).waitFor();
      await check(page, scheme, 'direct');
      await page.close();
    });

    it(`the room list and a conversation at phone width, in ${scheme}`, async () => {
      const { page } = await web.open({ colorScheme: scheme, viewport: { width: 390, height: 844 } });
      await register(page, web.url, `phone-${scheme}`);
      await page.goto(`${web.url}/#/r/general`);
      await page.getByRole('button', { name: 'Join #general' }).click();
      await page.getByText('Anyone up for lunch?').waitFor();
      await check(page, scheme, 'phone-room');
      await page.getByRole('button', { name: 'Back to rooms' }).click();
      await page.getByRole('navigation', { name: 'Rooms and conversations' }).waitFor();
      await check(page, scheme, 'phone-list');
      await page.close();
    });
  }
});
