// One person typing faster than the server's rate limit, in Chromium against a real server that
// allows 2 messages a second: every message arrives, once, in the order typed (for the other
// person, in the store, after a reload), and the sender is told they are sending too fast while
// the limit holds their messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, browserSkip, joinByLink, register, shownTexts, startWebTest, until, type WebTest } from './support/web-session.js';

const skip = browserSkip();
const COUNT = 24;

describe('sending faster than the rate limit', { skip }, () => {
  let web: WebTest;
  let alice: Page;
  let bob: Page;

  before(async () => {
    web = await startWebTest({ MESSAGE_RATE_LIMIT: '2' });
    alice = (await web.open()).page;
    bob = (await web.open({ colorScheme: 'dark' })).page;
    await register(alice, web.url, 'alice');
    await alice.getByRole('button', { name: 'Create a room' }).first().click();
    await alice.getByLabel('Room name').fill('fast');
    await alice.getByRole('button', { name: 'Create room' }).click();
    await alice.getByRole('heading', { name: 'fast' }).waitFor();
    await register(bob, web.url, 'bob');
    await joinByLink(bob, web.url, 'fast');
  });

  after(async () => {
    await web?.close();
  });

  it('delivers every message once, in the order typed, and says the messages are queued', async () => {
    const typed = Array.from({ length: COUNT }, (_, i) => `quick ${i + 1}`);
    const input = bob.locator('#composer-input');
    for (const text of typed) {
      await input.fill(text);
      await input.press('Enter');
    }
    // The limit holds the queue: bob is told, in words, and the page stays usable.
    const notice = bob.locator('.pacing-line [role="status"]');
    await until(async () => ((await notice.textContent()) ?? '').includes('Sending too fast'), 'the "sending too fast" notice');
    await assertAccessible(bob, 'the conversation with the pacing notice (dark)');

    const expected = typed;
    await until(async () => (await shownTexts(alice)).filter((t) => t.startsWith('quick ')).length === COUNT, `alice to receive all ${COUNT}`, 40_000);
    assert.deepEqual((await shownTexts(alice)).filter((t) => t.startsWith('quick ')), expected, 'alice sees them in the order bob typed');
    await until(async () => ((await notice.textContent()) ?? '') === '', 'the notice to go once the queue is empty', 10_000);
    assert.equal(await bob.locator('.message-pending').count(), 0);

    // Stored in that order, once: a reload shows the same.
    await alice.reload();
    await alice.getByText(`quick ${COUNT}`, { exact: true }).waitFor();
    assert.deepEqual((await shownTexts(alice)).filter((t) => t.startsWith('quick ')), expected, 'stored in the order typed, each once');
    assert.deepEqual(web.pageErrors, []);
  });
});
