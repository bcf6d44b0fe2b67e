import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { unlimited } from '../../core/rate-limiter.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { closeClient, countSkipped, deleteKeys, redisSkipReason, SHARED_REDIS_URL, testClient, uniquePrefix } from './redis.test-support.js';

const skip = await redisSkipReason();
countSkipped(skip);

describe('createRedisRateLimiter', { skip }, () => {
  let one: Redis;
  let two: Redis;
  const keyPrefix = uniquePrefix('rl').slice(0, -1);

  before(async () => {
    one = await testClient(SHARED_REDIS_URL);
    two = await testClient(SHARED_REDIS_URL);
  });
  after(async () => {
    await deleteKeys(one, `${keyPrefix}*`);
    await closeClient(one);
    await closeClient(two);
  });

  it('a limit of 0 points is no limit', () => {
    assert.equal(createRedisRateLimiter(one, { points: 0, durationSeconds: 60, keyPrefix }), unlimited);
  });

  it('holds one limit across nodes (two limiters sharing Redis)', async () => {
    const options = { points: 4, durationSeconds: 30, keyPrefix: `${keyPrefix}:send` };
    const nodeA = createRedisRateLimiter(one, options);
    const nodeB = createRedisRateLimiter(two, options);
    const decisions = [];
    for (let i = 0; i < 3; i++) {
      decisions.push(await nodeA.consume('user:1'));
      decisions.push(await nodeB.consume('user:1'));
    }
    assert.deepEqual(
      decisions.map((d) => d.allowed),
      [true, true, true, true, false, false],
    );
    const refused = decisions[4]!;
    assert.ok(!refused.allowed && refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 30);
    // Other keys, and other limits, are counted apart.
    assert.deepEqual(await nodeB.consume('user:2'), { allowed: true });
    const other = createRedisRateLimiter(one, { ...options, keyPrefix: `${keyPrefix}:login` });
    assert.deepEqual(await other.consume('user:1'), { allowed: true });
  });

  it('the window ends', async () => {
    const limiter = createRedisRateLimiter(one, { points: 1, durationSeconds: 1, keyPrefix: `${keyPrefix}:short` });
    assert.equal((await limiter.consume('k')).allowed, true);
    assert.deepEqual(await limiter.consume('k'), { allowed: false, retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await limiter.consume('k')).allowed, true);
  });
});
