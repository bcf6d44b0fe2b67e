// The web app by keyboard, in a real Chromium against a real server: the quick switcher
// (Ctrl+K: a combobox over rooms, conversations and people; type, arrows, Enter, Esc), Alt+↑/↓
// through the sidebar (wrapping) and Alt+Shift+↑/↓ through the unread rooms, `?` for the
// shortcuts dialog (a character in the composer), and focus going back to the opener when a
// dialog closes. axe-core checks the switcher and the shortcuts dialog in light and dark, and at
// phone width; screenshots go to the temporary folder's hubbub-keyboard/.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { RestartableServer } from './support/browser.js';
import { assertAccessible, browserSkip, register, sidebarRooms, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-keyboard');

/** True when `locator` is the focused element of its page. */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement);
}

/** Waits until the sidebar marks `room` as the one on screen. */
async function expectOpen(page: Page, room: string): Promise<void> {
  await until(async () => (await page.locator(`.sidebar [data-room="${room}"][aria-current="page"]`).count()) === 1, `${room} to be open`, 5000);
}

/** The rooms, conversations and people the switcher lists, as `kind:label`. */
async function options(page: Page): Promise<string[]> {
  const list = page.getByRole('dialog', { name: 'Jump to…' }).getByRole('option');
  const kinds = await list.locator('.quick-switch-kind').allTextContents();
  const labels = await list.locator('.quick-switch-label').allTextContents();
  return labels.map((label, i) => `${kinds[i]}:${label}`);
}

/** The label of the option the combobox points at (aria-activedescendant), checking aria-selected. */
async function activeOption(page: Page): Promise<string> {
  const combobox = page.getByRole('combobox', { name: 'Room, conversation or person' });
  const id = await combobox.getAttribute('aria-activedescendant');
  assert.ok(id !== null, 'the combobox points at an option');
  const option = page.locator(`[id="${id}"]`);
  assert.equal(await option.getAttribute('role'), 'option');
  assert.equal(await option.getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 1, 'one option selected');
  return (await option.locator('.quick-switch-label').textContent()) ?? '';
}

describe('web app by keyboard', { skip }, () => {
  let web: WebTest;
  let server: RestartableServer;
  let url: string;
  let alice: Page;
  let bob: HubbubSocket;
  const composer = (): Locator => alice.locator('#composer-input');

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebTest();
    ({ server, url } = web);
    alice = (await web.open()).page;
    await register(alice, url, 'alice');
    // Alice's rooms, made by a script: the sidebar lists them by name, then the conversations.
    const backend = server.server;
    const script = await backend.connect(await backend.tokenFor('alice'));
    for (const room of ['alpha', 'beta', 'design', 'redesign', 'web-design']) await script.join(room);
    script.close();
    const http = backend.http();
    http.accessToken = await backend.tokenFor('alice');
    await http.createRoom('secret', 'private');
    bob = await backend.connect(await backend.tokenFor('bob'));
    for (const room of ['beta', 'redesign', 'web-design']) await bob.join(room);
    await bob.sendDirect('alice', 'hi alice');
    const carol = await backend.connect(await backend.tokenFor('carol'));
    await carol.sendDirect('alice', 'hello from carol');
    carol.close();
    // Dave is only a member of #alpha: alice knows his name once she has opened it.
    const dave = await backend.connect(await backend.tokenFor('dave'));
    await dave.join('alpha');
    dave.close();
    await alice.reload();
    await alice.locator('.sidebar [data-room="dm:alice:carol"]').waitFor();
  });

  // A failed test must not leave a dialog open over the next one.
  beforeEach(async () => {
    for (let i = 0; i < 3 && (await alice.locator('dialog[open]').count()) > 0; i++) await alice.keyboard.press('Escape');
  });

  after(async () => {
    bob?.close();
    await web?.close();
  });

  it('Alt+↓ / Alt+↑ open the next / previous room in sidebar order, wrapping, from the composer', async () => {
    await alice.locator('.sidebar [data-room="alpha"]').click();
    await expectOpen(alice, 'alpha');
    await composer().focus();
    const order = ['beta', 'design', 'redesign', 'secret', 'web-design', 'dm:alice:bob', 'dm:alice:carol', 'alpha'];
    for (const room of order) {
      await alice.keyboard.press('Alt+ArrowDown');
      await expectOpen(alice, room);
    }
    await alice.keyboard.press('Alt+ArrowUp');
    await expectOpen(alice, 'dm:alice:carol');
    await alice.keyboard.press('Alt+ArrowUp');
    await expectOpen(alice, 'dm:alice:bob');
    await alice.keyboard.press('Alt+ArrowDown');
    await alice.keyboard.press('Alt+ArrowDown');
    await expectOpen(alice, 'alpha');
    // The keys did not type anything, and the cursor is still in the composer.
    await until(() => isFocused(composer()), 'the composer focused');
    assert.equal(await composer().inputValue(), '');
  });

  it('Alt+Shift+↓ / ↑ open the next / previous room with unread messages, wrapping', async () => {
    await expectOpen(alice, 'alpha');
    // Stepping through quickly read nothing (the app marks a room read after a moment on
    // screen): mark everything read from another device first. That device also hears alice's
    // read receipts: a room the page has really read sends one.
    const backend = server.server;
    const elsewhere = await backend.connect(await backend.tokenFor('alice'));
    const reads = new Map<string, number>();
    elsewhere.on('receipt', (receipt) => {
      if (receipt.user === 'alice') reads.set(receipt.room, receipt.seq);
    });
    for (const room of await sidebarRooms(alice)) {
      const last = (await elsewhere.history(room, { limit: 1 })).messages.at(-1)?.seq;
      if (last !== undefined) await elsewhere.read(room, last);
    }
    await until(async () => (await alice.locator('.sidebar .badge').count()) === 0, 'no unread badges');
    const readBy = async (room: string, seq: number): Promise<void> => {
      await until(() => (reads.get(room) ?? 0) >= seq, `alice to have read ${room}`);
    };

    const mockups = await bob.send('web-design', 'new mockups are up');
    const two = await bob.send('web-design', 'two of them');
    const ping = await bob.sendDirect('alice', 'ping');
    await alice.locator('[data-room="web-design"] .badge', { hasText: '2' }).waitFor();
    await alice.locator('[data-room="dm:alice:bob"] .badge', { hasText: '1' }).waitFor();
    assert.ok(mockups.seq !== undefined && two.seq !== undefined && ping.seq !== undefined);
    await composer().focus();
    await alice.keyboard.press('Alt+Shift+ArrowDown');
    await expectOpen(alice, 'web-design'); // beta … secret have nothing unread
    await readBy('web-design', two.seq);
    await alice.keyboard.press('Alt+Shift+ArrowDown');
    await expectOpen(alice, 'dm:alice:bob');
    await readBy('dm:alice:bob', ping.seq);
    // Nothing unread left: the keys do nothing, either way.
    for (const key of ['Alt+Shift+ArrowDown', 'Alt+Shift+ArrowUp']) {
      await alice.keyboard.press(key);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expectOpen(alice, 'dm:alice:bob');
    }
    // Wrapping: from bob's conversation (last but one) down past the end, round to #beta …
    const news = await bob.send('beta', 'beta news');
    await alice.locator('[data-room="beta"] .badge', { hasText: '1' }).waitFor();
    await alice.keyboard.press('Alt+Shift+ArrowDown');
    await expectOpen(alice, 'beta');
    await readBy('beta', news.seq ?? 0);
    // … and from the top (#alpha) up, round to bob's conversation at the bottom.
    await bob.sendDirect('alice', 'one more');
    await alice.locator('[data-room="dm:alice:bob"] .badge', { hasText: '1' }).waitFor();
    await alice.locator('.sidebar [data-room="alpha"]').click();
    await expectOpen(alice, 'alpha');
    await alice.keyboard.press('Alt+Shift+ArrowUp');
    await expectOpen(alice, 'dm:alice:bob');
    elsewhere.close();
  });

  it('the quick switcher by keyboard only: open, recent first, type, arrows, Enter, Esc', async () => {
    // Recent rooms: #secret, then #alpha opened last.
    await alice.locator('.sidebar [data-room="secret"]').click();
    await expectOpen(alice, 'secret');
    await alice.locator('.sidebar [data-room="alpha"]').click();
    await expectOpen(alice, 'alpha');
    await bob.send('redesign', 'logo v2');
    await alice.locator('[data-room="redesign"] .badge', { hasText: '1' }).waitFor();

    await composer().focus();
    await alice.keyboard.type('keep this draft');
    await alice.keyboard.press('Control+k');
    const dialog = alice.getByRole('dialog', { name: 'Jump to…' });
    await dialog.waitFor();
    const combobox = alice.getByRole('combobox', { name: 'Room, conversation or person' });
    await until(() => isFocused(combobox), 'the combobox focused');
    assert.equal(await combobox.getAttribute('aria-expanded'), 'true');
    assert.equal(await combobox.getAttribute('aria-controls'), await dialog.getByRole('listbox').getAttribute('id'));
    // Empty: the recently opened first (the room on screen left out), unread ones marked.
    const empty = await options(alice);
    assert.equal(empty[0], 'private:secret', `recent first: ${empty.join(', ')}`);
    assert.ok(!empty.includes('room:alpha'), 'not the room on screen');
    const redesign = dialog.getByRole('option').filter({ hasText: 'redesign' });
    assert.match((await redesign.getAttribute('class')) ?? '', /\bunread\b/);
    assert.match((await redesign.locator('.badge').textContent()) ?? '', /^1 unread$/);
    assert.equal(await activeOption(alice), 'secret');

    // Esc closes it; the cursor is back in the composer with the draft untouched.
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await until(() => isFocused(composer()), 'focus back in the composer');
    assert.equal(await composer().inputValue(), 'keep this draft');

    // Typed: prefix, then word start, then substring; ↑/↓ move (wrapping); Enter opens.
    await alice.keyboard.press('Control+k');
    await dialog.waitFor();
    await alice.keyboard.type('DES');
    await until(async () => (await options(alice)).join() === 'room:design,room:web-design,room:redesign', 'design, web-design, redesign');
    assert.equal(await activeOption(alice), 'design');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await activeOption(alice), 'web-design');
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await activeOption(alice), 'design', 'wraps at the end');
    await alice.keyboard.press('ArrowUp');
    assert.equal(await activeOption(alice), 'redesign', 'wraps at the top');
    await alice.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expectOpen(alice, 'redesign');
    await until(() => isFocused(composer()), 'the composer focused after Enter');

    // Kinds: a private room, a conversation, a person (known as a member of #alpha); a person
    // opens the direct conversation.
    await alice.keyboard.press('Control+k');
    await until(() => isFocused(combobox), 'the combobox focused');
    await alice.keyboard.type('se');
    await until(async () => (await options(alice))[0] === 'private:secret', 'the private room');
    await combobox.fill('bo');
    await until(async () => (await options(alice)).join() === 'DM:bob', 'the conversation with bob, once');
    await combobox.fill('');
    await alice.keyboard.type('dav');
    await until(async () => (await options(alice)).join() === 'person:dave', 'dave, a person');
    await alice.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await alice.getByRole('heading', { name: 'dave' }).waitFor();
    assert.equal(new URL(alice.url()).hash, '#/r/dm%3Aalice%3Adave');

    // Nothing matches: the list goes, the combobox says it is collapsed.
    await alice.keyboard.press('Control+k');
    await until(() => isFocused(combobox), 'the combobox focused');
    await alice.keyboard.type('zzz');
    await dialog.getByRole('status').filter({ hasText: 'Nothing matches “zzz”.' }).waitFor();
    assert.equal(await combobox.getAttribute('aria-expanded'), 'false');
    assert.equal(await dialog.getByRole('listbox').count(), 0);
    // Ctrl+K again closes it.
    await alice.keyboard.press('Control+k');
    await dialog.waitFor({ state: 'detached' });

    // Opened from a sidebar button, Esc gives the focus back to that button.
    const browse = alice.getByRole('button', { name: 'Browse public rooms' });
    await browse.focus();
    await alice.keyboard.press('Control+k');
    await dialog.waitFor();
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await until(() => isFocused(browse), 'focus back on "Browse public rooms"');
  });

  it('`?` opens the keyboard shortcuts dialog outside text fields; in the composer it is a character', async () => {
    await alice.locator('.sidebar [data-room="alpha"]').click();
    await expectOpen(alice, 'alpha');
    await composer().focus();
    await composer().fill('');
    await alice.keyboard.press('?');
    await alice.keyboard.type('what?');
    assert.equal(await composer().inputValue(), '?what?');
    assert.equal(await alice.getByRole('dialog').count(), 0, 'no dialog from ? in the composer');
    await composer().fill('');

    const link = alice.locator('.sidebar [data-room="beta"]');
    await link.focus();
    await alice.keyboard.press('?');
    const dialog = alice.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    for (const expected of ['Ctrl+K', 'Alt+↑', 'Alt+↓', 'Alt+Shift+↑', 'Alt+Shift+↓', 'Shift+Enter', 'Enter', 'Esc', '?']) {
      assert.ok(text.includes(expected), `the dialog lists ${expected}:\n${text}`);
    }
    assert.ok(!text.includes('⌘'), 'Ctrl, not ⌘, off Apple platforms');
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await until(() => isFocused(link), 'focus back on the room link');

    // The visible way: the button in the sidebar footer; its close button gives focus back too.
    const button = alice.getByRole('button', { name: 'Keyboard shortcuts' });
    await button.focus();
    await alice.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close dialog' }).focus();
    await alice.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await until(() => isFocused(button), 'focus back on the shortcuts button');
  });

  it('every dialog gives focus back to the button that opened it (Esc, backdrop), or to the composer when it is gone', async () => {
    await alice.locator('.sidebar [data-room="alpha"]').click();
    await expectOpen(alice, 'alpha');
    const cases: [Locator, string][] = [
      [alice.getByRole('button', { name: 'Create a room' }).first(), 'Create a room'],
      [alice.getByRole('button', { name: 'Browse public rooms' }), 'Browse public rooms'],
      [alice.getByRole('button', { name: 'Start a direct message' }), 'New direct message'],
      [alice.getByRole('button', { name: 'Show members', exact: true }), 'Members of #alpha'],
      [alice.getByRole('button', { name: 'Keyboard shortcuts' }), 'Keyboard shortcuts'],
    ];
    const lost: string[] = [];
    for (const [opener, title] of cases) {
      await opener.focus();
      await alice.keyboard.press('Enter');
      const dialog = alice.getByRole('dialog', { name: title });
      await dialog.waitFor();
      assert.equal(await isFocused(opener), false, `focus moved into "${title}"`);
      await alice.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await until(() => isFocused(opener), `focus back on the opener of "${title}" after Esc`, 2000).catch(() => lost.push(title));
    }
    assert.deepEqual(lost, [], 'dialogs that did not give focus back after Esc');

    // A click on the backdrop.
    const [members] = cases[3]!;
    await members.focus();
    await alice.keyboard.press('Enter');
    await alice.getByRole('dialog', { name: 'Members of #alpha' }).waitFor();
    await alice.mouse.click(5, 5);
    await alice.getByRole('dialog').waitFor({ state: 'detached' });
    await until(() => isFocused(members), 'focus back after a backdrop click', 3000);

    // An action that takes the opener away (a conversation has no member list): the composer.
    await members.focus();
    await alice.keyboard.press('Enter');
    const list = alice.getByRole('dialog', { name: 'Members of #alpha' });
    await list.getByRole('button', { name: 'Message dave' }).focus();
    await alice.keyboard.press('Enter');
    await list.waitFor({ state: 'detached' });
    await alice.getByRole('heading', { name: 'dave' }).waitFor();
    await until(() => isFocused(composer()), 'focus in the composer of the conversation', 3000);
  });

  it('the switcher and the shortcuts dialog pass axe-core in light and dark, and fit a phone', async () => {
    const shoot = async (page: Page, name: string): Promise<void> => {
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
    };
    const check = async (page: Page, theme: string): Promise<void> => {
      await page.locator('.sidebar [data-room="alpha"]').click();
      await expectOpen(page, 'alpha');
      await page.locator('#composer-input').focus();
      await page.keyboard.press('Control+k');
      const switcher = page.getByRole('dialog', { name: 'Jump to…' });
      await switcher.getByRole('option').first().waitFor();
      await assertAccessible(page, `the quick switcher, empty (${theme})`);
      await shoot(page, `switcher-${theme}`);
      await page.keyboard.type('d');
      await page.keyboard.press('ArrowDown');
      await switcher.getByRole('option', { name: /dave/ }).waitFor();
      await assertAccessible(page, `the quick switcher, typed (${theme})`);
      await shoot(page, `switcher-typed-${theme}`);
      await page.keyboard.press('Escape');
      await switcher.waitFor({ state: 'detached' });
      await page.locator('.sidebar [data-room="alpha"]').focus();
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await assertAccessible(page, `the keyboard shortcuts dialog (${theme})`);
      await shoot(page, `shortcuts-${theme}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    };
    await check(alice, 'light');

    const dark = await web.open({ colorScheme: 'dark' });
    await signIn(dark.page, url, 'alice');
    await check(dark.page, 'dark');
    await dark.context.close();

    // A phone: the room list fills the screen; the switcher opens over it and a choice opens
    // the conversation, with the cursor in its composer (the list it was opened from is hidden).
    const phone = await web.open({ viewport: { width: 390, height: 844 } });
    const page = phone.page;
    await signIn(page, `${url}/#/`, 'alice');
    await page.locator('.sidebar [data-room="beta"]').focus();
    await page.keyboard.press('Control+k');
    const switcher = page.getByRole('dialog', { name: 'Jump to…' });
    await switcher.getByRole('option').first().waitFor();
    await page.keyboard.type('web');
    await switcher.getByRole('option', { name: /web-design/ }).waitFor();
    const box = await switcher.boundingBox();
    assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 390, `the switcher fits the phone's width (${JSON.stringify(box)})`);
    await assertAccessible(page, 'the quick switcher at phone width');
    await shoot(page, 'switcher-phone');
    await page.keyboard.press('Enter');
    await switcher.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'web-design' }).waitFor();
    await until(() => isFocused(page.locator('#composer-input')), 'the composer focused on the phone');
    await page.locator('#composer-input').blur();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await assertAccessible(page, 'the keyboard shortcuts dialog at phone width');
    await shoot(page, 'shortcuts-phone');
    await phone.context.close();
    assert.deepEqual(web.pageErrors, [], 'no uncaught errors in the pages');
  });
});
