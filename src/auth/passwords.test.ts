import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SCRYPT_PARAMS, dummyVerify, hashPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  test('a hash is self-describing and salted', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    const { N, r, p } = SCRYPT_PARAMS;
    assert.match(a, new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$`));
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.ok(!a.includes('correct horse'));
  });

  test('verifies the right password and rejects others', async () => {
    const hash = await hashPassword('correct horse');
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsf', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  test('compatible spellings of the same characters match (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9');
    assert.equal(await verifyPassword('cafe\u0301', hash), true);
  });

  test('hashes with other parameters still verify', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('old password', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const hash = `scrypt$${2 ** 14}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    assert.equal(await verifyPassword('old password', hash), true);
  });

  test('a malformed or hostile hash is a mismatch, not a crash', async () => {
    for (const hash of ['', 'bcrypt$2b$10$abc', 'scrypt$1000$8$1$c2FsdA==$a2V5', `scrypt$${2 ** 30}$8$1$c2FsdA==$${'A'.repeat(44)}`, 'scrypt$16384$8$1$$']) {
      assert.equal(await verifyPassword('anything', hash), false, hash);
    }
  });

  test('dummyVerify costs about as much as a real verification', async () => {
    const hash = await hashPassword('correct horse');
    const time = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    // Warm up, then take the median of a few runs of each.
    await dummyVerify();
    const real: number[] = [];
    const dummy: number[] = [];
    for (let i = 0; i < 3; i++) {
      real.push(await time(() => verifyPassword('wrong password', hash)));
      dummy.push(await time(() => dummyVerify()));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    const ratio = median(dummy) / median(real);
    assert.ok(ratio > 0.33 && ratio < 3, `dummy/real time ratio ${ratio.toFixed(2)}`);
  });
});
