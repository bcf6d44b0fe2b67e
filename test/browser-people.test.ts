// Finding people and rooms by name in the web app, in Chromium against a real server: usernames
// are completed as they are typed (New direct message, Invite) and chosen by keyboard; a name
// nobody has is refused in place, opening no conversation and queueing no message, by the
// dialog, by a link, and by a message restored from an earlier visit; a room that does not exist
// is said not to exist, with similar rooms suggested, and is created only after a confirmation
// (from its page and from the directory); "Create a room" points out a taken name as it is
// typed. The dialogs and pages are checked with axe-core in light and dark, and photographed in
// light, dark and at phone width into the temporary folder's hubbub-people/.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HubbubHttp } from '../src/client/http-client.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { assertAccessible, browserSkip, register, sidebarRooms, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-people');

describe('people and rooms by name in the web app', { skip }, () => {
  let web: WebTest;
  let url: string;
  let alice: Page;
  /** Alice's HTTP API, for checking what the server holds. */
  let api: HubbubHttp;
  /** Bobby, online in #general: his presence is known to alice's app. */
  let bobby: HubbubSocket;

  /** Makes users that exist (an external token creates its user on first use, without hashing). */
  async function makeUser(name: string): Promise<HubbubHttp> {
    const http = web.server.server.http();
    http.accessToken = await web.server.server.tokenFor(name);
    await http.me();
    return http;
  }

  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: `${SHOTS}/${name}.png` });
  const dmButton = (page: Page) => page.getByRole('button', { name: 'Start a direct message' });
  const publicRooms = async (q: string): Promise<string[]> => (await api.directory({ q })).rooms.map((r) => r.room);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebTest();
    url = web.url;
    alice = (await web.open()).page;
    await register(alice, url, 'alice');
    api = await makeUser('alice');
    for (const name of ['bob.builder', 'bobby', 'bobcat', 'carol']) await makeUser(name);
    await api.createRoom('general', 'public');
    await api.createRoom('design-review', 'public');
    bobby = await web.server.server.connect(await web.server.server.tokenFor('bobby'));
    await bobby.join('general');
  });

  after(async () => {
    bobby?.close();
    await web?.close();
  });

  it('New direct message completes the name by keyboard, with presence, and opens the conversation', async () => {
    await alice.reload();
    await alice.getByRole('navigation', { name: 'Rooms and conversations' }).waitFor();
    await dmButton(alice).click();
    const dialog = alice.getByRole('dialog', { name: 'New direct message' });
    const field = dialog.getByRole('combobox', { name: 'Username' });
    await field.pressSequentially('BO', { delay: 30 });
    const options = dialog.getByRole('listbox', { name: 'Matching users' }).getByRole('option');
    await until(async () => (await options.allTextContents()).join('|') === 'bob.builder|bobby|bobcat', 'three suggestions, by name');
    assert.equal(await field.getAttribute('aria-expanded'), 'true');
    // Bobby is online in a room alice is in: his suggestion shows it.
    await options.filter({ hasText: 'bobby' }).getByRole('img', { name: 'online' }).waitFor();

    await field.press('ArrowDown');
    await field.press('ArrowDown');
    const activeId = await field.getAttribute('aria-activedescendant');
    assert.ok(activeId !== null, 'an option is active');
    assert.equal(await alice.locator(`[id="${activeId}"]`).textContent(), 'bobby');
    assert.equal(await alice.locator(`[id="${activeId}"]`).getAttribute('aria-selected'), 'true');
    await field.press('ArrowUp');
    await field.press('ArrowUp');
    assert.equal(await alice.locator(`[id="${await field.getAttribute('aria-activedescendant')}"]`).textContent(), 'bobcat', '↑ wraps to the last');
    await field.press('ArrowDown'); // back to the first
    await field.press('ArrowDown');
    await assertAccessible(alice, 'the New direct message dialog with suggestions (light)');
    await shot(alice, 'dm-suggestions-light');

    // Enter takes the suggestion and closes the list; the next Enter opens the conversation.
    await field.press('Enter');
    assert.equal(await field.inputValue(), 'bobby');
    assert.equal(await field.getAttribute('aria-expanded'), 'false');
    await field.press('Enter');
    await alice.getByRole('heading', { name: 'bobby' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
  });

  it('a name nobody has is refused in the dialog and by a link: nothing opens, nothing is queued', async () => {
    const before = new URL(alice.url()).hash;
    await dmButton(alice).click();
    const dialog = alice.getByRole('dialog', { name: 'New direct message' });
    const field = dialog.getByRole('combobox', { name: 'Username' });
    await field.fill('nobody');
    await dialog.getByText('No user named “nobody”.').waitFor();
    await field.press('Enter');
    await dialog.getByRole('alert').filter({ hasText: 'No user named “nobody”.' }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await shot(alice, 'dm-unknown-light');
    await assertAccessible(alice, 'the New direct message dialog refusing a name (light)');
    assert.ok(await dialog.isVisible(), 'the dialog stays open');
    assert.equal(await alice.getByRole('heading', { name: 'nobody' }).count(), 0, 'no conversation with nobody');
    assert.equal(new URL(alice.url()).hash, before);
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // A link to the conversation opens nothing either: it says why.
    await alice.goto(`${url}/#/r/${encodeURIComponent('dm:alice:nobody')}`);
    await alice.getByRole('alert').filter({ hasText: 'No user named “nobody”.' }).waitFor();
    assert.equal(await alice.getByRole('heading', { name: 'nobody' }).count(), 0, 'no conversation opened by the link');
    assert.equal(await alice.getByRole('textbox', { name: 'Message nobody' }).count(), 0, 'no composer to write to nobody');
    assert.ok(!(await sidebarRooms(alice)).includes('dm:alice:nobody'));
    assert.equal(await alice.evaluate("localStorage.getItem('hubbub.unsent.alice')"), null, 'no message queued');
    // The address no longer names the refused conversation: a reload does not refuse it again.
    await until(() => !new URL(alice.url()).hash.includes('nobody'), 'the address to drop the refused conversation');
  });

  it('a message to a name nobody has, restored from an earlier visit, says so instead of offering Retry', async () => {
    // Away from the refused link first: its own refusal would take the notice's place.
    await alice.goto(`${url}/#/`);
    // (The page's own localStorage: the test's tsconfig has no DOM types, so the script is text.)
    const unsent = [{ clientMsgId: 'ghost-1', room: 'dm:alice:ghost', to: 'ghost', text: 'are you there?', ts: new Date().toISOString() }];
    await alice.evaluate(`localStorage.setItem('hubbub.unsent.alice', ${JSON.stringify(JSON.stringify(unsent))})`);
    await alice.reload();
    await alice.getByRole('alert').filter({ hasText: 'No user named “ghost”.' }).waitFor();
    await alice.evaluate("localStorage.removeItem('hubbub.unsent.alice')");
  });

  it('Invite completes the name by keyboard; Esc closes the list, then the dialog; an unknown name is refused', async () => {
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    await alice.getByLabel('Room name').fill('secret');
    await alice.getByLabel('Private — members invite others').check();
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'secret' }).waitFor();

    await alice.getByRole('button', { name: 'Invite' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Invite to #secret' });
    const field = dialog.getByRole('combobox', { name: 'Username to invite' });
    await field.pressSequentially('ca', { delay: 30 });
    await dialog.getByRole('option', { name: 'carol' }).waitFor();
    await field.press('Escape');
    assert.equal(await field.getAttribute('aria-expanded'), 'false', 'Esc closes the list');
    assert.ok(await dialog.isVisible(), 'and only the list');
    await field.press('ArrowDown');
    assert.equal(await field.getAttribute('aria-expanded'), 'true', '↓ opens it again');
    await assertAccessible(alice, 'the Invite dialog with suggestions (light)');
    await shot(alice, 'invite-suggestions-light');
    await field.press('Enter');
    assert.equal(await field.inputValue(), 'carol');

    await field.fill('nobody');
    await dialog.getByText('No user named “nobody”.').waitFor();
    await field.press('Enter');
    await dialog.getByRole('alert').filter({ hasText: 'No user named “nobody”.' }).waitFor();

    await field.fill('carol');
    await field.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await alice.getByText('2 members').waitFor();
    assert.deepEqual((await api.members('secret')).map((m) => m.username).sort(), ['alice', 'carol']);

    await alice.getByRole('button', { name: 'Invite' }).click();
    await alice.getByRole('dialog', { name: 'Invite to #secret' }).waitFor();
    await alice.keyboard.press('Escape');
    await alice.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('a room that does not exist says so, suggests similar rooms, and is created only after a confirmation', async () => {
    await alice.goto(`${url}/#/r/generl`);
    await alice.getByRole('heading', { name: '#generl does not exist' }).waitFor();
    const suggestions = alice.getByRole('list', { name: 'Rooms with similar names' });
    await suggestions.getByRole('link', { name: '#general' }).waitFor();
    assert.equal(await alice.getByRole('button', { name: 'Join #generl' }).count(), 0, 'no join bar that would create it');
    await assertAccessible(alice, 'the page of a room that does not exist (light)');
    await shot(alice, 'missing-room-light');

    // Cancel creates nothing.
    await alice.getByRole('button', { name: 'Create #generl' }).click();
    const confirm = alice.getByRole('dialog', { name: 'Create a public room' });
    await confirm.getByText('Create a new public room #generl? Everyone can find and join it.').waitFor();
    await assertAccessible(alice, 'the confirmation to create a room (light)');
    await shot(alice, 'create-confirm-light');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.deepEqual(await publicRooms('generl'), [], 'not created without the confirmation');

    // A suggestion leads to the room that exists.
    await suggestions.getByRole('link', { name: '#general' }).click();
    await alice.getByRole('heading', { name: 'general', exact: true }).waitFor();
    assert.equal(new URL(alice.url()).hash, '#/r/general');

    // Confirmed, it is created and opened.
    await alice.goto(`${url}/#/r/generl`);
    await alice.getByRole('button', { name: 'Create #generl' }).click();
    await alice.getByRole('dialog', { name: 'Create a public room' }).getByRole('button', { name: 'Create', exact: true }).click();
    await alice.locator('#composer-input').waitFor();
    assert.deepEqual(await publicRooms('generl'), ['generl']);
    assert.ok((await sidebarRooms(alice)).includes('generl'));
  });

  it('the directory offers to create a room no search matches, with the same confirmation', async () => {
    await alice.getByRole('button', { name: 'Browse public rooms' }).click();
    const browse = alice.getByRole('dialog', { name: 'Browse public rooms' });
    await browse.getByRole('searchbox', { name: 'Search public rooms' }).fill('Brand-New');
    await browse.getByText('No public room matches “Brand-New”.').waitFor();
    await browse.getByRole('button', { name: 'Create #brand-new' }).click();
    const confirm = alice.getByRole('dialog', { name: 'Create a public room' });
    await confirm.getByText('Create a new public room #brand-new? Everyone can find and join it.').waitFor();
    // Esc closes the confirmation only.
    await alice.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.ok(await browse.isVisible(), 'the directory stays open');
    assert.deepEqual(await publicRooms('brand-new'), []);
    await browse.getByRole('button', { name: 'Create #brand-new' }).click();
    await confirm.getByRole('button', { name: 'Create', exact: true }).click();
    await browse.waitFor({ state: 'detached' });
    await alice.getByRole('heading', { name: 'brand-new' }).waitFor();
    assert.deepEqual(await publicRooms('brand-new'), ['brand-new']);
  });

  it('"Create a room" says a name is taken as it is typed, and refuses it', async () => {
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    const dialog = alice.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Room name').fill('design-review');
    await dialog.getByText('#design-review exists already: pick another name.').waitFor();
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'A room with that name exists already.' }).waitFor();
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('the dialogs and the missing room page pass axe-core in dark, and fit a phone', async () => {
    for (const [scheme, viewport] of [
      ['dark', { width: 1280, height: 800 }],
      ['light', { width: 390, height: 844 }],
    ] as const) {
      const label = viewport.width === 390 ? 'phone' : scheme;
      const { context, page } = await web.open({ colorScheme: scheme, viewport });
      await signIn(page, url, 'alice');
      await page.goto(`${url}/#/r/typo-room`);
      await page.getByRole('heading', { name: '#typo-room does not exist' }).waitFor();
      await page.getByText('No public room has a similar name.', { exact: false }).waitFor();
      await assertAccessible(page, `the page of a room that does not exist (${label})`);
      await shot(page, `missing-room-${label}`);
      await page.getByRole('button', { name: 'Create #typo-room' }).click();
      await page.getByRole('dialog', { name: 'Create a public room' }).waitFor();
      await assertAccessible(page, `the confirmation to create a room (${label})`);
      await shot(page, `create-confirm-${label}`);
      await page.keyboard.press('Escape');

      await page.goto(`${url}/#/`);
      // The page stays on screen (an address without a room opens none): on a phone, back to the list.
      if (viewport.width === 390) await page.getByRole('button', { name: 'Back to rooms' }).click();
      await dmButton(page).click();
      const field = page.getByRole('combobox', { name: 'Username' });
      await field.pressSequentially('bo', { delay: 30 });
      await page.getByRole('option', { name: 'bobcat' }).waitFor();
      await field.press('ArrowDown');
      await assertAccessible(page, `the New direct message dialog with suggestions (${label})`);
      await shot(page, `dm-suggestions-${label}`);
      await field.fill('nobody');
      await field.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'No user named “nobody”.' }).waitFor();
      await assertAccessible(page, `the New direct message dialog refusing a name (${label})`);
      await shot(page, `dm-unknown-${label}`);
      await context.close();
    }
    assert.deepEqual(await publicRooms('typo-room'), [], 'looking created nothing');
    assert.deepEqual(web.pageErrors, []);
  });
});
