import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../../core/logger.js';
import { connectRedis, redisRetryDelay } from './connect.js';

describe('connectRedis', () => {
  it('backs off from 50 ms, doubling, capped at about 2 s', () => {
    for (let attempt = 1; attempt < 50; attempt++) {
      const delay = redisRetryDelay(attempt);
      const base = Math.min(50 * 2 ** (attempt - 1), 2000);
      assert.ok(delay >= base && delay <= base * 1.1 + 1, `attempt ${attempt}: ${delay} ms`);
    }
  });

  it('an unreachable Redis is logged, not thrown, and commands fail fast', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      error() {},
      warn(_obj, msg) {
        warnings.push(msg ?? '');
      },
      info() {},
      debug() {},
      child: () => logger,
    };
    // Port 1 on localhost: connection refused at once.
    const client = connectRedis('redis://127.0.0.1:1', { name: 'hubbub-test-unreachable', logger });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(warnings, ['redis connection error'], 'one warning per outage, retries at debug level');
      const started = Date.now();
      await assert.rejects(client.get('anything'));
      assert.ok(Date.now() - started < 100);
    } finally {
      client.disconnect();
    }
  });
});
