import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UserRecord } from '../core/store.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { RefreshTokens, hashRefreshToken } from './refresh-tokens.js';

const DAY_SECONDS = 24 * 3600;

describe('RefreshTokens', () => {
  let store: SqlStore;
  let user: UserRecord;
  const now = { ms: 1_700_000_000_000 };
  let tokens: RefreshTokens;

  before(async () => {
    store = await openStore('sqlite::memory:');
    user = (await store.createUser('alice', null, now.ms))!;
    tokens = new RefreshTokens(store, { ttlSeconds: DAY_SECONDS, clock: () => now.ms });
  });
  after(async () => {
    await store.close();
  });

  test('issues opaque 32-byte tokens and stores only their hash', async () => {
    const issued = await tokens.issue(user.id);
    assert.match(issued.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.expiresAt, now.ms + DAY_SECONDS * 1000);
    const record = await store.findRefreshToken(hashRefreshToken(issued.token));
    assert.ok(record);
    assert.match(record.tokenHash, /^[0-9a-f]{64}$/);
    assert.equal(await store.findRefreshToken(issued.token), undefined);
  });

  test('rotation returns a new token in the same family and spends the old one', async () => {
    const first = await tokens.issue(user.id);
    const second = await tokens.rotate(first.token);
    assert.equal(second.userId, user.id);
    assert.notEqual(second.token, first.token);
    const [a, b] = await Promise.all([store.findRefreshToken(hashRefreshToken(first.token)), store.findRefreshToken(hashRefreshToken(second.token))]);
    assert.equal(a?.familyId, b?.familyId);
    assert.notEqual(a?.usedAt, null);
    const third = await tokens.rotate(second.token);
    assert.equal(third.userId, user.id);
  });

  test('reusing a spent token revokes the whole family', async () => {
    const first = await tokens.issue(user.id);
    const second = await tokens.rotate(first.token);
    await assert.rejects(tokens.rotate(first.token), { code: 'token_reused' });
    // The legitimate successor dies too: whoever holds a copy of the family is locked out.
    await assert.rejects(tokens.rotate(second.token), { code: 'token_reused' });
  });

  test('other families are untouched by a revocation', async () => {
    const mine = await tokens.issue(user.id);
    const other = await tokens.issue(user.id);
    await tokens.revoke(mine.token);
    await assert.rejects(tokens.rotate(mine.token), { code: 'token_reused' });
    assert.equal((await tokens.rotate(other.token)).userId, user.id);
  });

  test('an unknown token is unauthorized', async () => {
    await assert.rejects(tokens.rotate('no-such-token'), { code: 'unauthorized' });
  });

  test('an expired token is unauthorized', async () => {
    const issued = await tokens.issue(user.id);
    now.ms += DAY_SECONDS * 1000;
    try {
      await assert.rejects(tokens.rotate(issued.token), { code: 'unauthorized', message: /expired/ });
    } finally {
      now.ms -= DAY_SECONDS * 1000;
    }
  });

  test('two concurrent refreshes with one token cannot both succeed', async () => {
    for (let round = 0; round < 10; round++) {
      const issued = await tokens.issue(user.id);
      const results = await Promise.allSettled([tokens.rotate(issued.token), tokens.rotate(issued.token)]);
      const succeeded = results.filter((result) => result.status === 'fulfilled');
      assert.ok(succeeded.length <= 1, `round ${round}: both refreshes succeeded`);
      for (const result of results) {
        if (result.status === 'rejected') assert.equal((result.reason as { code?: string }).code, 'token_reused');
      }
    }
  });

  test('revoking an unknown token is not an error', async () => {
    await tokens.revoke('never-issued');
  });
});
