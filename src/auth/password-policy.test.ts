import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { HubError } from '../core/errors.js';
import { MAX_ESTIMATED_LENGTH, estimatePassword, passwordEstimator } from '../protocol/password-strength.js';
import { PasswordPolicy } from './password-policy.js';

function weak(error: unknown): boolean {
  return error instanceof HubError && error.code === 'weak_password';
}

describe('PasswordPolicy', () => {
  const policies = new Map<number, PasswordPolicy>();
  before(async () => {
    for (const minScore of [0, 1, 3, 4]) policies.set(minScore, await PasswordPolicy.load({ minScore }));
  });
  const policyOf = (minScore: number): PasswordPolicy => policies.get(minScore)!;

  test('refuses what the user test found accepted, and other guessable passwords', () => {
    for (const password of ['        ', 'password', 'Password1', '12345678', 'qwertyuiop', 'abcdefgh', 'hunter2hunter2', 'iloveyou']) {
      assert.throws(() => policyOf(3).check(password, 'someone'), weak, JSON.stringify(password));
    }
  });

  test('accepts passphrases and random strings', () => {
    for (const password of ['correct horse battery staple', 'velvet otter canyon drums', 'kZ9#qL2!mR', 'Tr0ub4dour&3-x']) {
      assert.doesNotThrow(() => policyOf(3).check(password, 'someone'), JSON.stringify(password));
    }
  });

  test('the username makes a password built on it weaker', () => {
    assert.doesNotThrow(() => policyOf(3).check('marguerite42!', 'somebody'));
    assert.throws(() => policyOf(3).check('marguerite42!', 'marguerite'), weak);
    // Any letter case of it.
    assert.throws(() => policyOf(3).check('marguerite42!', 'Marguerite'), weak);
    assert.equal(estimatePassword('marguerite42!', ['marguerite']).warning, 'A password that contains your username is easy to guess.');
  });

  test("the message is zxcvbn's advice in words, without the password", () => {
    const error = (() => {
      try {
        policyOf(3).check('password', 'someone');
      } catch (caught) {
        return caught as HubError;
      }
      return assert.fail('expected weak_password');
    })();
    assert.equal(error.message, 'password too weak: This is one of the most used passwords. Add more words that are less common.');
    // Short and random: zxcvbn names no pattern, the message still gives a reason.
    const estimate = estimatePassword('x7Kp2mQa', []);
    assert.equal(estimate.warning, undefined);
    assert.ok(estimate.score < 3);
    assert.throws(() => policyOf(3).check('x7Kp2mQa', 'someone'), (error: Error) => weak(error) && /^password too weak: This password would be easy to guess\. \S/.test(error.message));
  });

  test('the minimum score is a setting; 0 estimates nothing', () => {
    assert.doesNotThrow(() => policyOf(0).check('password', 'someone'));
    assert.doesNotThrow(() => policyOf(1).check('hunter2hunter2', 'someone'));
    assert.throws(() => policyOf(4).check('correct horse', 'someone'), weak);
  });

  test('estimates only the first 64 characters, so long input stays cheap', () => {
    // Weak in its first 64 characters: weak, whatever follows.
    assert.throws(() => policyOf(3).check(`${'a'.repeat(MAX_ESTIMATED_LENGTH)}kZ9#qL2!mR`, 'someone'), weak);
    // What zxcvbn estimates is the first 64 characters (all 256 that the schema allows cost
    // several times more on the slowest shapes).
    assert.equal(passwordEstimator().check('x'.repeat(300)).password.length, MAX_ESTIMATED_LENGTH);
    assert.deepEqual(estimatePassword('aB3$'.repeat(64)), estimatePassword('aB3$'.repeat(16)));

    // The slowest shapes we found (symbol-heavy l33t repeats), at the 256 characters the schema
    // allows. CPU time, not wall time: a descheduled thread on a shared machine is not a blocked
    // event loop. Measured 1-10 ms each on a quiet machine, up to about 30 ms with a load
    // average of 20 on 2 cores; the bound only catches a return to uncapped estimates.
    const worst = ['aB3$'.repeat(64), '@4$5!1|0'.repeat(32), '1337'.repeat(64), 'P4ssw0rd!'.repeat(28), 'kZ9#'.repeat(64)];
    let slowest = 0;
    for (let round = 0; round < 3; round++) {
      for (const password of worst) {
        const started = process.cpuUsage();
        estimatePassword(password, ['someone']);
        const used = process.cpuUsage(started);
        if (round > 0) slowest = Math.max(slowest, (used.user + used.system) / 1000);
      }
    }
    assert.ok(slowest < 150, `slowest estimate ${slowest.toFixed(1)} ms of CPU`);
  });
});
