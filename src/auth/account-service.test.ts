import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { HubError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { AccessTokens } from './access-tokens.js';
import { AccountService } from './account-service.js';
import { RefreshTokens } from './refresh-tokens.js';

const SECRET = 'account-service-test-secret-0123456789abcdef';

async function externalToken(username: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(username).setIssuedAt(now).setExpirationTime(now + 300).sign(new TextEncoder().encode(SECRET));
}

function accountService(store: SqlStore, externalTokens: boolean): AccountService {
  return new AccountService({
    store,
    accessTokens: new AccessTokens({ secret: SECRET, ttlSeconds: 900 }),
    refreshTokens: new RefreshTokens(store, { ttlSeconds: 3600 }),
    config: { externalTokens },
    logger: silentLogger,
  });
}

function hubError(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof HubError, String(error));
    assert.equal(error.code, code);
    return true;
  };
}

describe('AccountService', () => {
  let store: SqlStore;
  let accounts: AccountService;

  before(async () => {
    store = await openStore('sqlite::memory:');
    accounts = accountService(store, true);
  });
  after(async () => {
    await store.close();
  });

  test('register returns the session shape and stores a hash, not the password', async () => {
    const session = await accounts.register('Alice', 'correct horse');
    assert.deepEqual(Object.keys(session).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'user']);
    assert.equal(session.user.username, 'Alice');
    assert.equal(session.expiresIn, 900);
    const stored = await store.findUserByName('alice');
    assert.match(stored?.passwordHash ?? '', /^scrypt\$/);
    assert.equal((await accounts.authenticate(session.accessToken)).id, session.user.id);
  });

  test('a taken username (in any case) is username_taken', async () => {
    await assert.rejects(accounts.register('ALICE', 'another password'), hubError('username_taken'));
  });

  test('login: right password works, wrong password and unknown user fail alike', async () => {
    const session = await accounts.login('alice', 'correct horse');
    assert.equal(session.user.username, 'Alice');
    const wrong = await accounts.login('alice', 'wrong password').catch((error: unknown) => error);
    const unknown = await accounts.login('nobody', 'correct horse').catch((error: unknown) => error);
    assert.ok(wrong instanceof HubError && unknown instanceof HubError);
    assert.deepEqual([wrong.code, wrong.message], [unknown.code, unknown.message]);
    assert.equal(wrong.code, 'invalid_credentials');
  });

  test('refresh rotates; logout ends the login', async () => {
    const login = await accounts.login('alice', 'correct horse');
    const refreshed = await accounts.refresh(login.refreshToken);
    assert.equal(refreshed.user.id, login.user.id);
    await assert.rejects(accounts.refresh(login.refreshToken), hubError('token_reused'));
    const again = await accounts.login('alice', 'correct horse');
    await accounts.logout(again.refreshToken);
    await assert.rejects(accounts.refresh(again.refreshToken), hubError('token_reused'));
    await accounts.logout('unknown-token'); // silently fine
  });

  test('an external token creates its user on first use, without a password', async () => {
    const token = await externalToken('Carol');
    const created = await accounts.authenticate(token);
    assert.equal(created.username, 'Carol');
    assert.equal(created.passwordHash, null);
    assert.equal((await accounts.authenticate(token)).id, created.id);
    // Such a user cannot log in with a password, and is told nothing more than anyone else.
    await assert.rejects(accounts.login('carol', 'any password'), hubError('invalid_credentials'));
  });

  test('concurrent first uses of an external token create one user', async () => {
    const token = await externalToken('dave');
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => accounts.authenticate(token)));
    assert.equal(new Set(users.map((user) => user.id)).size, 1);
  });

  test('authenticateToken also reports the expiry', async () => {
    const session = await accounts.login('alice', 'correct horse');
    const { user, expiresAt } = await accounts.authenticateToken(session.accessToken);
    assert.equal(user.username, 'Alice');
    assert.ok(expiresAt > Date.now() && expiresAt <= Date.now() + 900_000);
  });

  test('with EXTERNAL_TOKENS=false an unknown user is unauthorized', async () => {
    const strict = accountService(store, false);
    await assert.rejects(strict.authenticate(await externalToken('erin')), hubError('unauthorized'));
    assert.equal(await store.findUserByName('erin'), undefined);
    // Known users are still fine.
    assert.equal((await strict.authenticate(await externalToken('alice'))).username, 'Alice');
  });

  test('a bad token is unauthorized', async () => {
    await assert.rejects(accounts.authenticate('garbage'), hubError('unauthorized'));
  });
});
