import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { HubError } from '../core/errors.js';
import { AccessTokens } from './access-tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const key = new TextEncoder().encode(SECRET);

/** The account a test token is for. */
function account(username: string, id = 7, tokenGeneration = 0): { id: number; username: string; tokenGeneration: number } {
  return { id, username, tokenGeneration };
}

function tokensAt(now: { ms: number }, ttlSeconds = 900): AccessTokens {
  return new AccessTokens({ secret: SECRET, ttlSeconds, clock: () => now.ms, clockToleranceSeconds: 0 });
}

/** Asserts an `unauthorized` HubError whose message does not quote the token. */
async function rejectsUnauthorized(promise: Promise<unknown>, token: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof HubError, String(error));
    assert.equal(error.code, 'unauthorized');
    if (message) assert.match(error.message, message);
    if (token.length > 0) assert.ok(!error.message.includes(token));
    return true;
  });
}

describe('AccessTokens', () => {
  test('signs HS256 with exactly sub, uid, gen, iat and exp', async () => {
    const now = { ms: 1_700_000_000_500 };
    const signed = await tokensAt(now).sign(account('Alice', 42, 3));
    assert.equal(signed.expiresIn, 900);
    assert.equal(signed.expiresAt, (1_700_000_000 + 900) * 1000);
    assert.deepEqual(decodeProtectedHeader(signed.token), { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(decodeJwt(signed.token), { sub: 'Alice', uid: 42, gen: 3, iat: 1_700_000_000, exp: 1_700_000_900 });
  });

  test('verifies its own tokens', async () => {
    const now = { ms: Date.now() };
    const tokens = tokensAt(now);
    const signed = await tokens.sign(account('alice', 9, 2));
    assert.deepEqual(await tokens.verify(signed.token), { username: 'alice', account: { id: 9, tokenGeneration: 2 }, expiresAt: signed.expiresAt });
  });

  test('accepts a token signed elsewhere with the same secret (an operator backend)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    assert.deepEqual(await tokensAt({ ms: Date.now() }).verify(token), { username: 'bob', account: undefined, expiresAt: (now + 60) * 1000 });
  });

  test('rejects an expired token', async () => {
    const now = { ms: Date.now() };
    const tokens = tokensAt(now, 60);
    const { token } = await tokens.sign(account('alice'));
    now.ms += 59_000;
    await tokens.verify(token);
    now.ms += 2_000;
    await rejectsUnauthorized(tokens.verify(token), token, /expired/);
  });

  test('rejects a token signed with another secret', async () => {
    const forger = new AccessTokens({ secret: 'another-secret-that-is-long-enough-987654', ttlSeconds: 900 });
    const { token } = await forger.sign(account('alice'));
    await rejectsUnauthorized(tokensAt({ ms: Date.now() }).verify(token), token, /invalid access token/);
  });

  test('rejects a tampered payload', async () => {
    const tokens = tokensAt({ ms: Date.now() });
    const { token } = await tokens.sign(account('alice'));
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin', iat: 1, exp: 9_999_999_999 })).toString('base64url');
    const forged = `${header}.${payload}.${signature}`;
    await rejectsUnauthorized(tokens.verify(forged), forged);
  });

  test('rejects alg "none" and other algorithms', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = Buffer.from(JSON.stringify({ sub: 'alice', iat: now, exp: now + 60 })).toString('base64url');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    await rejectsUnauthorized(tokensAt({ ms: Date.now() }).verify(none), none);
    const hs512 = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('alice').setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    await rejectsUnauthorized(tokensAt({ ms: Date.now() }).verify(hs512), hs512);
  });

  test('rejects a missing or malformed sub, and a missing exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    const badSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('no spaces allowed').setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now).sign(key);
    const tokens = tokensAt({ ms: Date.now() });
    for (const token of [noSub, badSub, noExp]) await rejectsUnauthorized(tokens.verify(token), token);
  });

  test('rejects a malformed uid or gen, and one without the other', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now).setExpirationTime(now + 60).sign(key);
    const tokens = tokensAt({ ms: Date.now() });
    for (const claims of [{ uid: 1 }, { gen: 0 }, { uid: '1', gen: 0 }, { uid: 0, gen: 0 }, { uid: 1.5, gen: 0 }, { uid: 1, gen: -1 }, { uid: 1, gen: null }]) {
      const token = await sign(claims);
      await rejectsUnauthorized(tokens.verify(token), token);
    }
  });

  test('rejects garbage without leaking it', async () => {
    const tokens = tokensAt({ ms: Date.now() });
    for (const token of ['', 'not-a-jwt', 'a.b.c', 'x'.repeat(5000), 'eyJhbGciOiJIUzI1NiJ9.eyJ.sig']) {
      await rejectsUnauthorized(tokens.verify(token), token);
    }
  });
});
