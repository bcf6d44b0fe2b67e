// Availability, presence dots and profile cards in a real browser against a real server: alice
// sets her status from the menu on her name with the keyboard alone; bob sees "Away" and then
// "Do not disturb" live (members list, profile card); a profile card shows "Last seen …" for
// someone who left (the full date in its tooltip) and its "Message" button opens the
// conversation; Esc closes a card (only the card, over the members dialog) and gives focus
// back. axe-core checks the menu, the card and the members list in light and dark, and at phone
// width; screenshots go to the temporary folder's hubbub-presence/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, browserSkip, joinByLink, register, send, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-presence');

describe('status, presence and profile cards in Chromium', { skip }, () => {
  let web: WebTest;
  let url: string;
  let alice: Page;
  let bob: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebTest({ PRESENCE_GRACE_MS: '0' });
    url = web.url;
    alice = (await web.open()).page;
    bob = (await web.open()).page;
  });

  after(async () => {
    await web?.close();
  });

  /** The menu button on my name in the sidebar footer. */
  const statusButton = (page: Page) => page.locator('.sidebar-footer').getByRole('button', { name: /change status/ });
  const focusedText = async (page: Page): Promise<string> => (await page.locator(':focus').textContent()) ?? '';

  it('sets a status from the menu on my name, by keyboard alone', async () => {
    await register(alice, url, 'alice');
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    await alice.getByLabel('Room name').fill('team');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'team' }).waitFor();
    await register(bob, url, 'bob');
    await joinByLink(bob, url, 'team');
    await send(alice, 'morning all');
    await bob.getByText('morning all').waitFor();

    const button = statusButton(alice);
    assert.match((await button.textContent()) ?? '', /alice\s*Online/);
    assert.equal(await button.getAttribute('aria-haspopup'), 'menu');
    await button.focus();
    await alice.keyboard.press('Enter');
    const menu = alice.getByRole('menu');
    await menu.waitFor();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    // Focus starts on the chosen item.
    assert.match(await focusedText(alice), /Active/);
    assert.equal(await menu.getByRole('menuitemradio', { name: 'Active' }).getAttribute('aria-checked'), 'true');
    await alice.screenshot({ path: join(SHOTS, 'status-menu-light.png') });
    await assertAccessible(alice, 'the status menu (light)');
    // ↓ moves, End and Home jump, ↑ wraps; Esc closes and gives focus back to the button.
    await alice.keyboard.press('ArrowDown');
    assert.match(await focusedText(alice), /Away/);
    await alice.keyboard.press('End');
    assert.match(await focusedText(alice), /Do not disturb/);
    await alice.keyboard.press('Home');
    await alice.keyboard.press('ArrowUp');
    assert.match(await focusedText(alice), /Do not disturb/);
    await alice.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.ok(await button.evaluate((element) => element === element.ownerDocument.activeElement), 'focus back on the menu button');

    // Choose "Away" with Enter.
    await alice.keyboard.press('ArrowDown');
    await menu.waitFor();
    await alice.keyboard.press('ArrowDown');
    await alice.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    await until(async () => /Away/.test((await button.textContent()) ?? ''), 'alice shown away');
    const focused = await alice.evaluate('document.activeElement?.outerHTML.slice(0, 120) ?? "none"');
    assert.ok(await button.evaluate((element) => element === element.ownerDocument.activeElement), `focus back after choosing, not on ${String(focused)}`);
    assert.equal(await alice.locator('.sidebar-footer .presence-dot.presence-away').count(), 1, 'her own dot says away');
  });

  it('another user sees "Away", then "Do not disturb", live; a reload keeps the choice', async () => {
    await bob.getByRole('button', { name: 'Show members', exact: true }).click();
    const members = bob.getByRole('dialog', { name: 'Members of #team' });
    const aliceRow = members.locator('li', { hasText: 'alice' });
    await aliceRow.getByText('Away', { exact: true }).waitFor();
    await aliceRow.getByRole('img', { name: 'Away' }).waitFor();
    await assertAccessible(bob, 'the members list with an away member (light)');
    await bob.screenshot({ path: join(SHOTS, 'members-away-light.png') });

    // Alice chooses "Do not disturb" with the mouse; bob's list follows without a reload.
    await statusButton(alice).click();
    await alice.getByRole('menuitemradio', { name: 'Do not disturb' }).click();
    await aliceRow.getByText('Do not disturb', { exact: true }).waitFor();
    await aliceRow.getByRole('img', { name: 'Do not disturb' }).waitFor();

    // A name in the members list opens the card on top; Esc closes the card only.
    await members.getByRole('button', { name: 'alice', exact: true }).click();
    const card = bob.getByRole('dialog', { name: 'alice' });
    await card.getByText('Do not disturb').waitFor();
    await bob.screenshot({ path: join(SHOTS, 'card-over-members-light.png') });
    await bob.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    await members.waitFor();
    assert.equal(await focusedText(bob), 'alice', 'focus back on the name that opened the card');
    await bob.keyboard.press('Escape');
    await members.waitFor({ state: 'detached' });

    // The choice is alice's, not her tab's: it is there after a reload.
    await alice.reload();
    await until(async () => /Do not disturb/.test((await statusButton(alice).textContent()) ?? ''), 'dnd after a reload');
  });

  it('a profile card from an author shows presence, "Last seen …" and a Message button that opens the conversation', async () => {
    // Carol says something in #team and leaves for good.
    const backend = web.server.server;
    const carol = await backend.connect(await backend.tokenFor('carol'));
    await carol.join('team');
    await carol.send('team', 'bye for now');
    await bob.getByText('bye for now').waitFor();
    carol.close();

    // The author's name is a button; the card opens with focus inside it.
    const author = bob.locator('.group', { hasText: 'bye for now' }).getByRole('button', { name: 'carol', exact: true });
    await until(async () => {
      await author.click();
      const card = bob.getByRole('dialog', { name: 'carol' });
      await card.waitFor();
      const seen = await card.locator('time').count();
      if (seen === 0) {
        await bob.keyboard.press('Escape'); // last seen not written yet (batched): ask again
        await card.waitFor({ state: 'detached' });
      }
      return seen > 0;
    }, 'a last-seen time on carol’s card', 15_000);
    const card = bob.getByRole('dialog', { name: 'carol' });
    await card.getByText('Offline').waitFor();
    const time = card.locator('time');
    assert.equal(await time.textContent(), 'Last seen just now');
    assert.ok(Date.parse((await time.getAttribute('datetime')) ?? '') > Date.now() - 60_000, 'a machine-readable time');
    assert.match((await time.getAttribute('title')) ?? '', /\d{4}/, 'the full date in the tooltip');
    await card.getByRole('button', { name: 'Message' }).waitFor();
    await assertAccessible(bob, 'a profile card (light)');
    await bob.screenshot({ path: join(SHOTS, 'card-offline-light.png') });

    // Esc closes it and gives focus back to the author's name.
    await bob.keyboard.press('Escape');
    await card.waitFor({ state: 'detached' });
    assert.equal(await focusedText(bob), 'carol');

    // The card of someone online: their availability, no last-seen time.
    await bob.locator('.group', { hasText: 'morning all' }).getByRole('button', { name: 'alice', exact: true }).click();
    const aliceCard = bob.getByRole('dialog', { name: 'alice' });
    await aliceCard.getByText('Do not disturb').waitFor();
    assert.equal(await aliceCard.locator('time').count(), 0);
    await bob.keyboard.press('Escape');

    // "Message" opens the direct conversation.
    await author.click();
    await card.getByRole('button', { name: 'Message' }).click();
    await card.waitFor({ state: 'detached' });
    await bob.getByRole('heading', { name: 'carol' }).waitFor();
    await bob.locator('.conversation-header').getByText('Offline').waitFor();
  });

  it('looks right and passes axe in dark mode and at phone width', async () => {
    const { page: dark } = await web.open({ colorScheme: 'dark' });
    await signIn(dark, url, 'bob');
    await dark.locator('.sidebar [data-room="team"]').click();
    await dark.getByText('morning all').waitFor();
    await statusButton(dark).click();
    await dark.getByRole('menu').waitFor();
    await assertAccessible(dark, 'the status menu (dark)');
    await dark.screenshot({ path: join(SHOTS, 'status-menu-dark.png') });
    await dark.keyboard.press('Escape');
    await dark.locator('.group', { hasText: 'morning all' }).getByRole('button', { name: 'alice', exact: true }).click();
    await dark.getByRole('dialog', { name: 'alice' }).getByText('Do not disturb').waitFor();
    await assertAccessible(dark, 'a profile card (dark)');
    await dark.screenshot({ path: join(SHOTS, 'card-dnd-dark.png') });
    await dark.keyboard.press('Escape');
    await dark.getByRole('button', { name: 'Show members', exact: true }).click();
    await dark.getByRole('dialog', { name: 'Members of #team' }).getByText('Do not disturb').waitFor();
    await assertAccessible(dark, 'the members list (dark)');
    await dark.screenshot({ path: join(SHOTS, 'members-dark.png') });
    await dark.close();

    const { page: phone } = await web.open({ viewport: { width: 390, height: 844 } });
    await signIn(phone, url, 'alice');
    await statusButton(phone).click();
    await phone.getByRole('menu').waitFor();
    await assertAccessible(phone, 'the status menu (phone)');
    await phone.screenshot({ path: join(SHOTS, 'status-menu-phone.png') });
    await phone.keyboard.press('Escape');
    await phone.locator('.sidebar [data-room="team"]').click();
    await phone.locator('.group', { hasText: 'bye for now' }).getByRole('button', { name: 'carol', exact: true }).click();
    await phone.getByRole('dialog', { name: 'carol' }).locator('time').waitFor();
    await assertAccessible(phone, 'a profile card (phone)');
    await phone.screenshot({ path: join(SHOTS, 'card-phone.png') });
    await phone.close();
    assert.deepEqual(web.pageErrors, []);
  });
});
