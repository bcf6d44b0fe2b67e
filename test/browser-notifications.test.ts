// Notifications and the sign-up meter in a real browser (Debian's Chromium) against a real
// server. The page's `Notification` and `AudioContext` are wrapped by an init script, so the
// test sees every desktop notification shown and every chime played (oscillators started):
// - the sign-up form's strength meter as one types, and the server's weak_password answer;
// - a chime for a direct message that is not on screen, at most one per 2 s; none for one's own
//   messages, for a muted conversation, with the sound turned off, after a reload with unread
//   messages, or for the replay of what was missed while offline;
// - desktop notifications (permission granted to the context, asked from the settings button)
//   while the tab is hidden, one tag per conversation; a click opens it; a denied permission is
//   explained;
// - Mute in the header, the quiet badge and mark in the sidebar, another tab following, the
//   title and the favicon counting only rooms that are not muted.
// Screenshots (light, dark, phone) go to the temporary folder's hubbub-notifications/.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { PASSWORD, assertAccessible, browserSkip, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-notifications');
const DM = 'dm:alice:carol';

/**
 * An init script (page JavaScript: this file is type-checked without the DOM) that records
 * chimes in `window.__chimes` (oscillators started) and notifications in `window.__notes`;
 * with `denied`, the browser's permission reads as denied.
 */
function capture(permission: 'real' | 'denied'): { content: string } {
  return {
    content: `(() => {
      window.__chimes = 0;
      window.__notes = [];
      const RealAudio = window.AudioContext;
      window.AudioContext = class extends RealAudio {
        createOscillator() {
          const oscillator = super.createOscillator();
          const start = oscillator.start.bind(oscillator);
          oscillator.start = (when) => { window.__chimes++; start(when); };
          return oscillator;
        }
      };
      const RealNotification = window.Notification;
      const denied = ${JSON.stringify(permission === 'denied')};
      window.Notification = class {
        constructor(title, options = {}) {
          this.title = title;
          this.body = options.body;
          this.tag = options.tag;
          this.onclick = null;
          this.closed = false;
          window.__notes.push(this);
        }
        close() { this.closed = true; }
        static get permission() { return denied ? 'denied' : RealNotification.permission; }
        static requestPermission() { return denied ? Promise.resolve('denied') : RealNotification.requestPermission(); }
      };
    })();`,
  };
}

const chimes = (page: Page): Promise<number> => page.evaluate('window.__chimes') as Promise<number>;
const notes = (page: Page): Promise<{ title: string; body: string; tag: string }[]> =>
  page.evaluate('window.__notes.map(({ title, body, tag }) => ({ title, body, tag }))') as Promise<{ title: string; body: string; tag: string }[]>;
const favicon = (page: Page): Promise<string> => page.evaluate('document.querySelector(\'link[rel~="icon"]\').href') as Promise<string>;

/** Makes the page look hidden (another tab in front) or visible and focused again. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`(() => {
    const hide = ${JSON.stringify(hidden)};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hide ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide });
    document.hasFocus = () => !hide;
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications and the sign-up meter in Chromium', { skip }, () => {
  let web: WebTest;
  let url: string;
  let context: BrowserContext;
  let alice: Page;
  let carol: HubbubSocket;

  /** Carol writes to alice, and alice's page has taken it in (the sidebar entry exists). */
  const carolSays = async (text: string): Promise<void> => {
    await carol.sendDirect('alice', text);
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebTest();
    url = web.url;
    ({ context, page: alice } = await web.open());
    await context.grantPermissions(['notifications'], { origin: url });
    await context.addInitScript(capture('real'));
  });

  after(async () => {
    carol?.close();
    await web?.close();
  });

  it('the sign-up form shows the strength as one types, and the server refuses a weak password', async () => {
    await alice.goto(url);
    await alice.getByRole('button', { name: 'Create an account' }).click();
    await alice.getByLabel('Username').fill('alice');
    const password = alice.getByLabel('Password', { exact: true });
    const meter = alice.locator('#password-strength');
    assert.equal(await password.getAttribute('aria-describedby'), 'password-strength');
    assert.equal(await meter.getAttribute('role'), 'status');

    await password.fill('password');
    await until(async () => /Strength: Very weak\..*most used passwords/.test((await meter.textContent()) ?? ''), 'the meter to call "password" very weak');
    await password.fill('alice2024');
    await until(async () => /contains your username/.test((await meter.textContent()) ?? ''), 'the meter to count the username against the password');
    await assertAccessible(alice, 'the sign-up form with the meter (light)');
    await alice.screenshot({ path: join(SHOTS, 'signup-meter-light.png') });

    // Submitted anyway: the server's weak_password, in words.
    await password.fill('        ');
    await alice.getByRole('button', { name: 'Create account' }).click();
    const error = alice.getByRole('alert');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /^That password is too easy to guess\. Repeated characters/);

    await password.fill(PASSWORD);
    await until(async () => /Strength: (Strong|Very strong)\. Good to go\./.test((await meter.textContent()) ?? ''), 'the meter to accept a passphrase');
    assert.equal(await alice.locator('.password-meter .filled').count(), 4);
    await alice.getByRole('button', { name: 'Create account' }).click();
    await alice.getByRole('navigation', { name: 'Rooms and conversations' }).waitFor();
  });

  it('chimes for a direct message not on screen, at most once per 2 s, never for my own', async () => {
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    await alice.getByLabel('Room name').fill('general');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    carol = await web.server.server.connect(await web.server.server.tokenFor('carol'));

    await carolSays('hello alice');
    const dm = alice.locator(`.sidebar [data-room="${DM}"]`);
    await dm.locator('.badge', { hasText: '1' }).waitFor();
    await until(async () => (await chimes(alice)) === 1, 'one chime');
    // A burst within 2 s: still one chime, every message counted.
    for (const text of ['one', 'two', 'three']) await carolSays(text);
    await dm.locator('.badge', { hasText: '4' }).waitFor();
    assert.equal(await chimes(alice), 1, 'no more than one chime per 2 s');
    assert.equal(await alice.title(), '(4) hubbub');
    await pause(2100);
    await carolSays('after the pause');
    await until(async () => (await chimes(alice)) === 2, 'a second chime after 2 s');

    // The conversation on screen: no chime, and my own message none either.
    await dm.click();
    await alice.getByRole('heading', { name: 'carol' }).waitFor();
    await pause(2100);
    await carolSays('while you look');
    await alice.getByText('while you look').waitFor();
    const mine = alice.locator('#composer-input');
    await mine.fill('my own words');
    await mine.press('Enter');
    await alice.locator('.message-stored', { hasText: 'my own words' }).waitFor();
    await pause(300);
    assert.equal(await chimes(alice), 2);
    assert.equal((await notes(alice)).length, 0, 'no desktop notification before the user turned them on');
  });

  it('desktop notifications: asked from the settings, shown while hidden, one tag per conversation, a click opens it', async () => {
    await alice.getByRole('button', { name: 'Notification settings' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByRole('button', { name: 'Enable desktop notifications' }).click();
    await dialog.getByText('On: a new direct message shows a notification').waitFor();
    await assertAccessible(alice, 'the notification settings (light)');
    await alice.screenshot({ path: join(SHOTS, 'settings-light.png') });
    await dialog.getByRole('button', { name: 'Close dialog' }).click();

    await alice.locator('.sidebar [data-room="general"]').click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    await setHidden(alice, true);
    await pause(2100);
    await carolSays('are you there?\n\n<b>not bold</b>');
    await carolSays('x'.repeat(300));
    await until(async () => (await notes(alice)).length === 2, 'two notifications');
    const [first, second] = await notes(alice);
    assert.deepEqual(first, { title: 'carol', body: 'are you there? <b>not bold</b>', tag: DM });
    assert.equal(second!.tag, DM, 'the same tag: the newer replaces the older');
    assert.equal(second!.body, `${'x'.repeat(139)}…`);
    assert.equal(await chimes(alice), 3, 'one chime for the pair');

    // Opening the conversation closes its notification (the latest of its tag).
    await setHidden(alice, false);
    await alice.locator(`.sidebar [data-room="${DM}"]`).click();
    await alice.getByRole('heading', { name: 'carol' }).waitFor();
    await until(() => alice.evaluate('window.__notes.at(-1).closed') as Promise<boolean>, 'the notification closed once its conversation is open');
    await alice.locator('.sidebar [data-room="general"]').click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    await setHidden(alice, true);
    await carolSays('click me');
    await until(async () => (await notes(alice)).length === 3, 'a third notification');

    // A click on the notification brings the conversation up.
    await alice.evaluate("window.__notes.at(-1).onclick(new Event('click'))");
    await setHidden(alice, false);
    await alice.getByRole('heading', { name: 'carol' }).waitFor();
    assert.equal(new URL(alice.url()).hash, `#/r/${encodeURIComponent(DM)}`);
  });

  it('a muted conversation: no sound or notification, a quiet badge the title and favicon leave out; other tabs follow', async () => {
    const original = await favicon(alice);
    assert.match(original, /\/favicon\.svg$/);
    const other = await context.newPage();
    await other.goto(url);
    const otherDm = other.locator(`.sidebar [data-room="${DM}"]`);
    await otherDm.waitFor();

    await alice.getByRole('button', { name: 'Mute carol', exact: true }).click();
    await alice.getByRole('button', { name: 'Unmute carol', exact: true }).waitFor();
    assert.equal(await alice.getByRole('button', { name: 'Mute carol', exact: true }).count(), 0);
    // The other tab shows it muted too (the storage event).
    await otherDm.locator('.muted-mark').waitFor();
    assert.equal(await otherDm.locator('.muted-mark .visually-hidden').textContent(), '(muted)');
    await other.close();

    await alice.locator('.sidebar [data-room="general"]').click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    await setHidden(alice, true);
    await pause(2100);
    const before = { chimes: await chimes(alice), notes: (await notes(alice)).length };
    await carolSays('you will not hear this');
    const dm = alice.locator(`.sidebar [data-room="${DM}"]`);
    await dm.locator('.badge.badge-quiet', { hasText: '1' }).waitFor();
    await pause(500);
    assert.deepEqual({ chimes: await chimes(alice), notes: (await notes(alice)).length }, before, 'silent while muted');
    assert.equal(await alice.title(), 'hubbub', 'a muted room is not counted in the title');
    assert.equal(await favicon(alice), original, 'nor on the favicon');
    await setHidden(alice, false);
    await alice.setViewportSize({ width: 390, height: 844 });
    await alice.screenshot({ path: join(SHOTS, 'header-phone.png') });
    await alice.getByRole('button', { name: 'Back to rooms' }).click();
    await dm.locator('.badge.badge-quiet').waitFor();
    await alice.screenshot({ path: join(SHOTS, 'sidebar-muted-phone.png') });
    await alice.setViewportSize({ width: 1280, height: 800 });
    await assertAccessible(alice, 'the sidebar with a muted conversation (light)');

    // Unmuted: counted again, and the favicon carries the count (redrawn when it changes).
    await dm.click();
    await alice.getByRole('button', { name: 'Unmute carol', exact: true }).click();
    await alice.getByRole('button', { name: 'Mute carol', exact: true }).waitFor();
    await alice.screenshot({ path: join(SHOTS, 'conversation-light.png') });
    await alice.locator('.sidebar [data-room="general"]').click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    await carolSays('count me');
    await until(async () => (await alice.title()) === '(1) hubbub', 'the title to count the unmuted conversation');
    const one = await until(async () => ((await favicon(alice)).startsWith('data:image/png') ? favicon(alice) : undefined), 'a favicon with a badge');
    writeFileSync(join(SHOTS, 'favicon-1.png'), Buffer.from(one.slice(one.indexOf(',') + 1), 'base64'));
    await carolSays('and me');
    await until(async () => (await alice.title()) === '(2) hubbub', 'two unread');
    await until(async () => (await favicon(alice)) !== one && (await favicon(alice)).startsWith('data:image/png'), 'the favicon redrawn for 2');
    await dm.click();
    await alice.getByText('and me').waitFor();
    await until(async () => (await favicon(alice)) === original, 'the original favicon once all is read');
  });

  it('no chime for what a reload or a reconnect brings in, and none with the sound turned off', async () => {
    await alice.locator('.sidebar [data-room="general"]').click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    // Counted from what is unread now (the end of a long conversation may not have been read).
    const unread = async (): Promise<number> => {
      const badge = alice.locator(`.sidebar [data-room="${DM}"] .badge`);
      return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
    };
    const unreadIs = (n: number): Promise<boolean> => until(async () => (await unread()) === n, `${n} unread`, 20_000);
    await pause(2100);
    const before = await unread();
    await carolSays('unread before the reload');
    await unreadIs(before + 1);

    // A reload with unread messages: they show as unread, silently.
    await alice.reload();
    await alice.getByRole('navigation', { name: 'Rooms and conversations' }).waitFor();
    await unreadIs(before + 1);
    await pause(2500);
    assert.equal(await chimes(alice), 0, 'no chime on page load');

    // Offline while carol writes: the replay on reconnecting is silent too.
    await context.setOffline(true);
    await alice.locator('.banner[data-status="offline"]').waitFor();
    await carolSays('missed one');
    await carolSays('missed two');
    await context.setOffline(false);
    await unreadIs(before + 3);
    await pause(2500);
    assert.equal(await chimes(alice), 0, 'no chime for the replay after a reconnect');

    // Live again: the chime is back (so the silence above was the rule, not a broken chime).
    await carolSays('live again');
    await until(async () => (await chimes(alice)) === 1, 'a chime for a live message');

    // Sound off in the settings: silence.
    await alice.getByRole('button', { name: 'Notification settings' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByLabel('Play a sound for new direct messages').uncheck();
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await pause(2100);
    await carolSays('quietly');
    await unreadIs(before + 5);
    await pause(300);
    assert.equal(await chimes(alice), 1, 'no chime with the sound turned off');
  });

  it('do not disturb silences the chime; back to active, it sounds again', async () => {
    // Sound back on (the test before turned it off).
    await alice.getByRole('button', { name: 'Notification settings' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByLabel('Play a sound for new direct messages').check();
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await alice.locator('.sidebar [data-room="general"]').click();
    await alice.getByRole('heading', { name: 'general' }).waitFor();
    const status = alice.locator('.sidebar-footer button[aria-haspopup="menu"]');
    const choose = async (name: string): Promise<void> => {
      await status.click();
      await alice.getByRole('menuitemradio', { name }).click();
      await until(async () => ((await status.textContent()) ?? '').includes(name === 'Active' ? 'Online' : name), `the status ${name}`);
    };
    await choose('Do not disturb');
    const before = await chimes(alice);
    await pause(2100);
    await carolSays('are you busy?');
    await alice.locator(`.sidebar [data-room="${DM}"] .badge`).waitFor();
    await pause(500);
    assert.equal(await chimes(alice), before, 'no chime in do not disturb');
    await choose('Active');
    await pause(2100);
    await carolSays('now?');
    await until(async () => (await chimes(alice)) === before + 1, 'the chime once active again');
  });

  it('a denied permission is explained, in dark and at phone width; the meter in dark', async () => {
    const { context: dark, page } = await web.open({ colorScheme: 'dark' });
    await dark.addInitScript(capture('denied'));
    await page.goto(url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('dora');
    await page.getByLabel('Password', { exact: true }).fill('qwerty123');
    await until(async () => /Strength: /.test((await page.locator('#password-strength').textContent()) ?? ''), 'the meter');
    await assertAccessible(page, 'the sign-up form with the meter (dark)');
    await page.screenshot({ path: join(SHOTS, 'signup-meter-dark.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'signup-meter-phone.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await signIn(page, url, 'alice');
    await page.getByRole('button', { name: 'Notification settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByText('Your browser blocks notifications from this site').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Enable desktop notifications' }).count(), 0);
    await assertAccessible(page, 'the notification settings with permission denied (dark)');
    await page.screenshot({ path: join(SHOTS, 'settings-denied-dark.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'settings-denied-phone.png') });
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await page.locator(`.sidebar [data-room="${DM}"]`).click();
    await page.getByRole('heading', { name: 'carol' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'conversation-phone-dark.png') });
    await assertAccessible(page, 'a conversation with the Mute button at phone width (dark)');
    assert.deepEqual(web.pageErrors, []);
    await dark.close();
  });
});
