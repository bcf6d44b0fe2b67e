// Reading in the web app, in Chromium against a real server: the read position follows what the
// user has had on screen (opening at the first unread, scrolling, replying while scrolled up,
// joining a room with history, a hidden tab), "mark all as read", the "new messages" line kept
// until the user leaves the room, drafts kept per room across a reload, a direct conversation
// listed before its first message, a failed message's actions, and leaving a private room.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HubbubSocket } from '../src/client/socket-client.js';
import { assertAccessible, browserSkip, register, send, sidebarRooms, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();

interface RoomRow {
  room: string;
  lastSeq: number;
  readSeq: number;
  unread: number;
}

describe('reading in the web app', { skip }, () => {
  let web: WebTest;
  let alice: Page;
  let bob: Page;
  /** Alice's second connection, to fill rooms quickly. */
  let aliceSocket: HubbubSocket;

  /** `user`'s rooms as the server sees them (read positions and unread counts). */
  const serverRooms = async (user: string): Promise<Map<string, RoomRow>> => {
    const token = await web.server.server.tokenFor(user);
    const response = await fetch(`${web.url}/api/rooms`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { rooms: RoomRow[] };
    return new Map(body.rooms.map((row) => [row.room, row]));
  };
  const readSeq = async (user: string, room: string): Promise<number> => (await serverRooms(user)).get(room)?.readSeq ?? -1;

  const fill = async (room: string, count: number, prefix: string): Promise<number> => {
    let last = 0;
    for (let i = 1; i <= count; i++) last = (await aliceSocket.send(room, `${prefix} ${i}`)).seq ?? last;
    return last;
  };

  const createRoom = async (page: Page, room: string, visibility: 'public' | 'private' = 'public'): Promise<void> => {
    await page.getByRole('button', { name: 'Create a room' }).first().click();
    await page.getByLabel('Room name').fill(room);
    if (visibility === 'private') await page.getByLabel(/Private/).check();
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: room }).waitFor();
  };

  const badge = (page: Page, room: string) => page.locator(`.sidebar [data-room="${room}"] .badge`);
  const openRoom = async (page: Page, room: string): Promise<void> => {
    await page.locator(`.sidebar [data-room="${room}"]`).click();
    await page.getByRole('heading', { name: room }).waitFor();
  };

  before(async () => {
    web = await startWebTest();
    alice = (await web.open()).page;
    bob = (await web.open()).page;
    await register(alice, web.url, 'alice');
    await register(bob, web.url, 'bob');
    aliceSocket = await web.server.server.connect(await web.server.server.tokenFor('alice'));
  });

  after(async () => {
    aliceSocket?.close();
    await web?.close();
  });

  it('opens at the first unread message and moves the read position only as far as the user has seen', async () => {
    await createRoom(alice, 'long');
    await aliceSocket.join('long');
    await createRoom(bob, 'lobby');
    await bob.goto(`${web.url}/#/r/long`);
    await bob.getByRole('button', { name: 'Join #long' }).click();
    await openRoom(bob, 'lobby');
    const last = await fill('long', 30, 'backlog');
    await until(async () => (await badge(bob, 'long').textContent()) === '30', 'bob’s badge of 30');
    const before = await readSeq('bob', 'long');

    await openRoom(bob, 'long');
    await bob.locator('.unread-marker').waitFor();
    // The view starts at the first unread message: the read position moves to what is on
    // screen, not to the end of the room.
    const seenSoFar = await until(async () => {
      const seq = await readSeq('bob', 'long');
      return seq > before ? seq : false;
    }, 'the read position to move to what is on screen');
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.ok((await readSeq('bob', 'long')) < last - 5, `read up to ${seenSoFar} of ${last} with the first unread message on screen`);

    // Scrolling to the end reads the rest.
    await bob.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await until(async () => (await readSeq('bob', 'long')) === last, 'the read position to reach the end');
    assert.equal((await serverRooms('bob')).get('long')?.unread, 0);
  });

  it('keeps the "new messages" line while the user stays in the room, and drops it when they come back', async () => {
    await openRoom(bob, 'lobby');
    await fill('long', 3, 'three more');
    await until(async () => (await badge(bob, 'long').textContent()) === '3', 'a badge of 3');
    await openRoom(bob, 'long');
    const marker = bob.locator('.unread-marker');
    await marker.waitFor();
    const firstUnread = async (): Promise<string | null> => marker.evaluate((el) => el.nextElementSibling?.querySelector('.message-text')?.textContent ?? null);
    assert.equal(await firstUnread(), 'three more 1');
    // Read (all of it is on screen), then more arrives: the line stays where it was.
    const last = (await serverRooms('alice')).get('long')!.lastSeq;
    await until(async () => (await readSeq('bob', 'long')) === last, 'bob to read the three');
    await fill('long', 2, 'later');
    await bob.getByText('later 2').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await marker.count(), 1);
    assert.equal(await firstUnread(), 'three more 1');
    // Leaving the room and coming back: everything was read, no line.
    await openRoom(bob, 'lobby');
    await openRoom(bob, 'long');
    await bob.getByText('later 2').waitFor();
    assert.equal(await marker.count(), 0);
  });

  it('replying while scrolled up reads what the reply answers: "Seen by" follows and a reload shows no unread line', async () => {
    await openRoom(alice, 'long');
    await bob.locator('.messages').evaluate((el) => (el.scrollTop = 0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(alice, 'Is anyone reading this far down?');
    await bob.locator('.new-below').waitFor();
    const question = (await serverRooms('alice')).get('long')!.lastSeq;
    await send(bob, 'Yes, I am!');
    await bob.locator('.message-text', { hasText: 'Yes, I am!' }).waitFor();
    await until(async () => (await readSeq('bob', 'long')) >= question + 1, 'bob’s read position to reach his reply').catch(async (error: unknown) => {
      throw new Error(`${String(error)}: question ${question}, bob read ${await readSeq('bob', 'long')}, seqs shown ${JSON.stringify(await bob.$$eval('.message[data-seq]', (els) => els.map((e) => e.getAttribute('data-seq')).slice(-5)))}`);
    });
    await alice.locator('.message', { hasText: 'Is anyone reading this far down?' }).locator('.seen-by', { hasText: 'Seen by bob' }).waitFor();

    await bob.reload();
    await bob.getByText('Yes, I am!').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await bob.locator('.unread-marker').count(), 0, 'no "new messages" line above the messages bob answered');
    assert.equal(await bob.locator('.jump-unread').count(), 0);
  });

  it('a room joined from Browse has no unread history: no 99+ and no jump to message 1 after a reload', async () => {
    const { page: carol } = await web.open();
    await register(carol, web.url, 'carol');
    await carol.getByRole('button', { name: 'Browse public rooms' }).click();
    await carol.getByRole('button', { name: 'Join long' }).click();
    await carol.getByRole('heading', { name: 'long' }).waitFor();
    const last = (await serverRooms('alice')).get('long')!.lastSeq;
    assert.equal((await serverRooms('carol')).get('long')?.unread, 0);
    await carol.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await until(async () => (await readSeq('carol', 'long')) === last, 'carol’s read position at the end');
    await carol.reload();
    await carol.getByRole('heading', { name: 'long' }).waitFor();
    await carol.locator('.message-text').first().waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await badge(carol, 'long').count(), 0);
    assert.equal(await carol.locator('.jump-unread').count(), 0);
    assert.equal(await carol.locator('.unread-marker').count(), 0);
    await carol.close();
  });

  it('a hidden tab reads nothing; the position moves when it is shown again', async () => {
    await openRoom(bob, 'long');
    await bob.locator('.messages').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const setVisibility = (state: 'hidden' | 'visible') =>
      bob.evaluate(`Object.defineProperty(document, 'visibilityState', { value: '${state}', configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`);
    await until(async () => (await readSeq('bob', 'long')) === (await serverRooms('alice')).get('long')!.lastSeq, 'bob up to date');
    const before = await readSeq('bob', 'long');
    await setVisibility('hidden');
    const last = await fill('long', 3, 'while hidden');
    await bob.getByText('while hidden 3').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(await readSeq('bob', 'long'), before, 'nothing read while the tab is hidden');
    await setVisibility('visible');
    await until(async () => (await readSeq('bob', 'long')) === last, 'the read position after the tab is shown');
  });

  it('marks everything read at once (button and Shift+Esc), for good', async () => {
    await openRoom(bob, 'lobby');
    await aliceSocket.join('lobby');
    await fill('long', 4, 'unread a');
    await until(async () => (await badge(bob, 'long').textContent()) === '4', 'a badge in long');
    await bob.getByRole('button', { name: 'Mark all as read' }).click();
    await until(async () => (await badge(bob, 'long').count()) === 0, 'the badge to go');
    await until(async () => (await serverRooms('bob')).get('long')?.unread === 0, 'the server to agree');
    await fill('long', 2, 'unread b');
    await until(async () => (await badge(bob, 'long').textContent()) === '2', 'a new badge');
    await bob.locator('#composer-input').press('Shift+Escape');
    await until(async () => (await badge(bob, 'long').count()) === 0, 'Shift+Esc to clear it');
    await bob.reload();
    await bob.locator('.sidebar [data-room="long"]').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await badge(bob, 'long').count(), 0);
    assert.equal(await bob.getByRole('button', { name: 'Mark all as read' }).count(), 0, 'nothing left to mark');
  });

  it('keeps a draft per room, across room switches and a reload, and forgets it once sent', async () => {
    const composer = bob.locator('#composer-input');
    await openRoom(bob, 'lobby');
    await composer.fill('half a thought for the lobby');
    await openRoom(bob, 'long');
    assert.equal(await composer.inputValue(), '');
    await composer.pressSequentially('and one for long');
    await openRoom(bob, 'lobby');
    assert.equal(await composer.inputValue(), 'half a thought for the lobby');
    await bob.reload();
    await bob.getByRole('heading', { name: 'lobby' }).waitFor();
    assert.equal(await composer.inputValue(), 'half a thought for the lobby');
    await openRoom(bob, 'long');
    assert.equal(await composer.inputValue(), 'and one for long');
    await composer.press('Enter');
    await bob.locator('.message-text', { hasText: 'and one for long' }).waitFor();
    await bob.reload();
    await bob.getByRole('heading', { name: 'long' }).waitFor();
    assert.equal(await composer.inputValue(), '');
  });

  it('lists a new direct conversation as soon as it is open, and drops it if left empty', async () => {
    await alice.getByRole('button', { name: 'Start a direct message' }).click();
    await alice.getByLabel('Username').fill('bob');
    await alice.getByLabel('Username').press('Enter');
    await alice.getByRole('heading', { name: 'bob' }).waitFor();
    const dm = 'dm:alice:bob';
    await until(async () => (await sidebarRooms(alice)).includes(dm), 'the conversation in the sidebar before its first message');
    assert.equal(await alice.locator(`.sidebar [data-room="${dm}"]`).getAttribute('aria-current'), 'page');
    await openRoom(alice, 'long');
    assert.ok(!(await sidebarRooms(alice)).includes(dm), 'an empty conversation left behind is not listed');
  });

  it('shows a failed message with Retry and Discard apart, and every message’s time with its full date', async () => {
    await openRoom(alice, 'long');
    // U+0000 cannot be stored: the server refuses the message, which is then "Not delivered".
    await send(alice, 'a message the server refuses \u0000');
    const failed = alice.locator('.message-failed');
    await failed.waitFor();
    const retry = await failed.getByRole('button', { name: 'Retry' }).boundingBox();
    const discard = await failed.getByRole('button', { name: 'Discard' }).boundingBox();
    assert.ok(retry !== null && discard !== null);
    assert.ok(discard.x - (retry.x + retry.width) >= 8, `Retry and Discard ${discard.x - (retry.x + retry.width)} px apart`);
    await failed.getByRole('button', { name: 'Discard' }).click();
    await failed.waitFor({ state: 'detached' });

    // The second message of a group shows its time on hover, with the full date as a tooltip.
    const second = alice.locator('.group .message:nth-child(3)').last();
    const time = second.locator('.message-time');
    const opacity = (): Promise<string> => time.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).opacity);
    assert.equal(await opacity(), '0');
    await second.hover();
    await until(async () => (await opacity()) === '1', 'the time on hover');
    assert.match((await time.getAttribute('title')) ?? '', /2\d{3}/, 'the tooltip has the full date');
    assert.match((await alice.locator('.group-head time').last().getAttribute('title')) ?? '', /2\d{3}/);
  });

  it('asks before leaving a private room, and leaves a public one at once', async () => {
    await createRoom(alice, 'secret', 'private');
    await alice.getByRole('button', { name: 'Leave', exact: true }).click();
    const dialog = alice.getByRole('dialog', { name: 'Leave #secret?' });
    await dialog.waitFor();
    await assertAccessible(alice, 'the leave confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok((await sidebarRooms(alice)).includes('secret'), 'Cancel keeps the room');
    await alice.getByRole('button', { name: 'Leave', exact: true }).click();
    await alice.getByRole('button', { name: 'Leave #secret' }).click();
    await until(async () => !(await sidebarRooms(alice)).includes('secret'), 'the room to go');

    await createRoom(alice, 'open-room');
    await alice.getByRole('button', { name: 'Leave', exact: true }).click();
    await until(async () => !(await sidebarRooms(alice)).includes('open-room'), 'the public room to go without a question');
    assert.deepEqual(web.pageErrors, []);
  });
});
