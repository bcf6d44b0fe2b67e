import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultKeyPrefix, redisDatabase } from '../../config/redis-prefix.js';
import { checkKeyPrefix, rateLimitKeyPrefix } from './key-prefix.js';

describe('Redis key prefix', () => {
  it('reads the database number as ioredis does: the path, else ?db=, else 0', () => {
    assert.equal(redisDatabase('redis://cache:6379/7'), 7);
    assert.equal(redisDatabase('rediss://user:pw@cache:6380/12'), 12);
    assert.equal(redisDatabase('redis://cache:6379?db=3'), 3);
    assert.equal(redisDatabase('redis://cache:6379/5?db=3'), 5);
    assert.equal(redisDatabase('redis://cache:6379'), 0);
    assert.equal(redisDatabase('redis://cache:6379/'), 0);
    for (const bad of ['redis://cache/x', 'redis://cache/7/8', 'redis://cache?db=', 'redis://cache/-1']) assert.equal(redisDatabase(bad), undefined, bad);
  });

  it('defaults to hubbub:<db>:, so different databases get different namespaces', () => {
    assert.equal(defaultKeyPrefix('redis://cache:6379/7'), 'hubbub:7:');
    assert.equal(defaultKeyPrefix('redis://cache:6379/8'), 'hubbub:8:');
    assert.equal(defaultKeyPrefix('redis://cache:6379'), 'hubbub:0:');
    assert.equal(defaultKeyPrefix(undefined), 'hubbub:0:');
    assert.throws(() => defaultKeyPrefix('redis://cache/x'), RangeError);
  });

  it('accepts short safe names only (no braces: the prefix goes inside a hash tag)', () => {
    for (const good of ['hubbub:', 'hubbub:7:', 'chat-eu.prod_1:', 'x'.repeat(64)]) assert.equal(checkKeyPrefix(good), good);
    for (const bad of ['', '{x}', 'a}', 'two words', 'line\n', 'x'.repeat(65), 'é']) assert.throws(() => checkKeyPrefix(bad), RangeError, JSON.stringify(bad));
  });

  it('names the rate limits under the prefix', () => {
    assert.equal(rateLimitKeyPrefix('hubbub:7:', 'send'), 'hubbub:7:rl:send');
  });
});
