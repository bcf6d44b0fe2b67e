// Joins and leaves as quiet lines in the web app, in a real Chromium against a real server:
// bob joins and leaves #plaza while alice watches (the lines appear live, each after the
// message it followed), they do not count as unread, a reload puts them in the same places,
// five joins in a row make one line, and the view passes axe-core in light and dark. The
// screenshots (light, dark, phone) go to the temporary folder's hubbub-activity/.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { assertAccessible, browserSkip, register, send, signIn, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const SHOTS = join(tmpdir(), 'hubbub-activity');

/**
 * The conversation as a sequence: `msg:<seqs>` for a run of messages, `line:<text>` for a join
 * and leave line, and the day divider and unread marker by name.
 */
function shape(page: Page): Promise<string[]> {
  return page.$$eval('.messages .message-groups > li', (items) =>
    items.map((li) => {
      if (li.classList.contains('activity-line')) return `line:${(li.querySelector('summary, .activity-text')?.textContent ?? '').trim()}`;
      if (li.classList.contains('group')) return `msg:${[...li.querySelectorAll('.message[data-seq]')].map((m) => m.getAttribute('data-seq')).join(',')}`;
      return li.classList.contains('unread-marker') ? 'marker' : 'day';
    }),
  );
}

describe('web app: join and leave lines', { skip }, () => {
  let web: WebTest;
  let alice: Page;
  const sockets: HubbubSocket[] = [];
  /** A socket session of `username` (created on first use, as an operator's backend would). */
  const as = async (username: string): Promise<HubbubSocket> => {
    const socket = await web.server.server.connect(await web.server.server.tokenFor(username));
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebTest({ MESSAGE_RATE_LIMIT: '0' });
    alice = (await web.open()).page;
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await web?.close();
  });

  it('shows bob joining and leaving live, after the message each followed, without counting them unread', async () => {
    await register(alice, web.url, 'alice');
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    await alice.getByLabel('Room name').fill('plaza');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'plaza' }).waitFor();
    await alice.locator('.activity-line', { hasText: 'alice joined' }).waitFor();
    await send(alice, 'first message');
    await alice.locator('.message[data-seq="1"]').waitFor();

    const bob = await as('bob');
    await bob.join('plaza');
    await alice.locator('.activity-line', { hasText: 'bob joined' }).waitFor();
    await send(alice, 'second message');
    await alice.locator('.message[data-seq="2"]').waitFor();
    await bob.leave('plaza');
    await alice.locator('.activity-line', { hasText: 'bob left' }).waitFor();
    assert.deepEqual(await shape(alice), ['day', 'line:alice joined', 'msg:1', 'line:bob joined', 'msg:2', 'line:bob left']);
    assert.equal(await alice.locator('.new-below').count(), 0, 'no "new messages" for a line');

    // Elsewhere, alice's #plaza gains a line and no unread badge; a message does bring one.
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    await alice.getByLabel('Room name').fill('elsewhere');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'elsewhere' }).waitFor();
    const bobAgain = await as('bob');
    await bobAgain.join('plaza');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const plaza = alice.locator('.sidebar [data-room="plaza"]');
    assert.equal(await plaza.locator('.badge').count(), 0, 'a join is not unread');
    await bobAgain.send('plaza', 'hello from bob');
    await plaza.locator('.badge', { hasText: '1' }).waitFor();
    await plaza.click();
    await alice.getByText('hello from bob').waitFor();
    // bob left and came back with no message between: one line. The unread marker sits before
    // bob's message, not before the line of his join.
    await until(async () => (await shape(alice)).join(' ').endsWith('line:bob left and rejoined marker msg:3'), 'bob’s return, then the marker, then his message');
  });

  it('folds five joins in a row into one line that opens to the full list', async () => {
    const names = ['carol', 'dave', 'erin', 'frank', 'gina'];
    for (const name of names) await (await as(name)).join('plaza');
    const line = alice.locator('.activity-line', { hasText: 'carol, dave and 3 others joined' });
    await line.waitFor();
    assert.equal(await alice.locator('.activity-line').count(), 4, 'one line for the five (after alice’s and bob’s three)');
    assert.equal(await alice.locator('.activity-line summary').count(), 1);
    await line.locator('summary').click();
    await line.getByText('carol joined, dave joined, erin joined, frank joined, gina joined').waitFor();
    assert.ok((await line.getAttribute('title'))?.startsWith('carol joined, dave joined, erin joined, frank joined, gina joined ('));
    await alice.screenshot({ path: join(SHOTS, 'activity-light.png') });
    await assertAccessible(alice, '#plaza with join and leave lines (light)');
  });

  it('puts every line in the same place after a reload', async () => {
    const live = (await shape(alice)).filter((item) => item !== 'marker');
    assert.deepEqual(live, ['day', 'line:alice joined', 'msg:1', 'line:bob joined', 'msg:2', 'line:bob left and rejoined', 'msg:3', 'line:carol, dave and 3 others joined']);
    await alice.reload();
    await alice.getByRole('heading', { name: 'plaza' }).waitFor();
    await alice.locator('.activity-line', { hasText: 'carol, dave and 3 others joined' }).waitFor();
    // Reloaded and read: the marker is gone; the same lines, in the same places.
    assert.deepEqual((await shape(alice)).filter((item) => item !== 'marker'), live);
  });

  it('reads well in dark and at phone width', async () => {
    const { page: dark } = await web.open({ colorScheme: 'dark' });
    await signIn(dark, web.url, 'alice');
    await dark.goto(`${web.url}/#/r/plaza`);
    await dark.locator('.activity-line', { hasText: 'carol, dave and 3 others joined' }).waitFor();
    await dark.locator('.activity-line summary').click();
    await dark.screenshot({ path: join(SHOTS, 'activity-dark.png') });
    await assertAccessible(dark, '#plaza with join and leave lines (dark)');

    const { page: phone } = await web.open({ viewport: { width: 390, height: 844 } });
    await signIn(phone, web.url, 'alice');
    await phone.goto(`${web.url}/#/r/plaza`);
    await phone.locator('.activity-line', { hasText: 'carol, dave and 3 others joined' }).waitFor();
    await phone.screenshot({ path: join(SHOTS, 'activity-phone.png') });
    await assertAccessible(phone, '#plaza with join and leave lines (phone)');
    assert.deepEqual(web.pageErrors, []);
  });
});
