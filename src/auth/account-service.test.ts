import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SignJWT, decodeJwt } from 'jose';
import pg from 'pg';
import { createTestDatabase } from '../../test/support/postgres.js';
import { HubError } from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { AccessTokens } from './access-tokens.js';
import { AccountService } from './account-service.js';
import { PasswordPolicy } from './password-policy.js';
import { RefreshTokens } from './refresh-tokens.js';

const SECRET = 'account-service-test-secret-0123456789abcdef';

async function externalToken(username: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(username).setIssuedAt(now).setExpirationTime(now + 300).sign(new TextEncoder().encode(SECRET));
}

async function accountService(store: SqlStore, externalTokens: boolean): Promise<AccountService> {
  return new AccountService({
    store,
    accessTokens: new AccessTokens({ secret: SECRET, ttlSeconds: 900 }),
    refreshTokens: new RefreshTokens(store, { ttlSeconds: 3600 }),
    config: { externalTokens },
    logger: silentLogger,
    passwordPolicy: await PasswordPolicy.load({ minScore: 3 }),
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
    accounts = await accountService(store, true);
  });
  after(async () => {
    await store.close();
  });

  test('register returns the session shape and stores a hash, not the password', async () => {
    const session = await accounts.register('Alice', 'correct horse battery staple');
    assert.deepEqual(Object.keys(session).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'user']);
    assert.equal(session.user.username, 'Alice');
    assert.equal(session.expiresIn, 900);
    const stored = await store.findUserByName('alice');
    assert.match(stored?.passwordHash ?? '', /^scrypt\$/);
    assert.equal((await accounts.authenticate(session.accessToken)).id, session.user.id);
  });

  test('a taken username (in any case) is username_taken', async () => {
    await assert.rejects(accounts.register('ALICE', 'another password for alice'), hubError('username_taken'));
  });

  test('login: right password works, wrong password and unknown user fail alike', async () => {
    const session = await accounts.login('alice', 'correct horse battery staple');
    assert.equal(session.user.username, 'Alice');
    const wrong = await accounts.login('alice', 'wrong password').catch((error: unknown) => error);
    const unknown = await accounts.login('nobody', 'correct horse battery staple').catch((error: unknown) => error);
    assert.ok(wrong instanceof HubError && unknown instanceof HubError);
    assert.deepEqual([wrong.code, wrong.message], [unknown.code, unknown.message]);
    assert.equal(wrong.code, 'invalid_credentials');
  });

  test('refresh rotates; logout ends the login', async () => {
    const login = await accounts.login('alice', 'correct horse battery staple');
    const refreshed = await accounts.refresh(login.refreshToken);
    assert.equal(refreshed.user.id, login.user.id);
    await assert.rejects(accounts.refresh(login.refreshToken), hubError('token_reused'));
    const again = await accounts.login('alice', 'correct horse battery staple');
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
    const session = await accounts.login('alice', 'correct horse battery staple');
    const { user, expiresAt } = await accounts.authenticateToken(session.accessToken);
    assert.equal(user.username, 'Alice');
    assert.ok(expiresAt > Date.now() && expiresAt <= Date.now() + 900_000);
  });

  test('with EXTERNAL_TOKENS=false an unknown user is unauthorized', async () => {
    const strict = await accountService(store, false);
    await assert.rejects(strict.authenticate(await externalToken('erin')), hubError('unauthorized'));
    assert.equal(await store.findUserByName('erin'), undefined);
    // Known users are still fine.
    assert.equal((await strict.authenticate(await externalToken('alice'))).username, 'Alice');
  });

  test('a bad token is unauthorized', async () => {
    await assert.rejects(accounts.authenticate('garbage'), hubError('unauthorized'));
  });
});

/** A database to run the account tests on, with a side door for the SQL a test runs itself. */
interface AccountDatabase {
  readonly url: string;
  /** Runs one statement with `?` placeholders on a connection of its own. */
  sql(text: string, params: readonly unknown[]): Promise<void>;
  cleanup(): Promise<void>;
}

async function sqliteFileDatabase(): Promise<AccountDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'hubbub-accounts-'));
  const filename = join(dir, 'hubbub.db');
  return {
    url: `sqlite:${filename}`,
    async sql(text, params) {
      const raw = new BetterSqlite3(filename);
      try {
        raw.pragma('foreign_keys = ON');
        raw.prepare(text).run(...params);
      } finally {
        raw.close();
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<AccountDatabase> {
  const database = await createTestDatabase();
  if (database === undefined) throw new Error('PostgreSQL went away during the test run');
  return {
    url: database.url,
    async sql(text, params) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        let n = 0;
        await client.query(text.replace(/\?/g, () => `$${++n}`), [...params]);
      } finally {
        await client.end();
      }
    },
    cleanup: () => database.drop(),
  };
}

// Probe once at load time: `describe` must know whether to skip before any test runs.
const postgresProbe = await createTestDatabase();
await postgresProbe?.drop();

for (const [name, open] of [
  ['SQLite', sqliteFileDatabase],
  ['PostgreSQL', postgresProbe === undefined ? undefined : postgresDatabase],
] as const) {
  describe(`access tokens bound to the account, on ${name}`, { skip: open === undefined ? 'PostgreSQL unreachable' : false }, () => {
    let database: AccountDatabase;
    let store: SqlStore;
    let accounts: AccountService;

    before(async () => {
      database = await open!();
      store = await openStore(database.url);
      accounts = await accountService(store, true);
    });
    after(async () => {
      await store?.close();
      await database?.cleanup();
    });

    test('a token of a deleted user does not let in the next user of that name', async () => {
      const first = await accounts.register('alice', 'first alice password');
      assert.equal((await accounts.authenticate(first.accessToken)).id, first.user.id);

      // Delete alice as an operator would, rows that refer to her first.
      const id = first.user.id;
      await database.sql('delete from memberships where user_id = ?', [id]);
      await database.sql('delete from refresh_tokens where user_id = ?', [id]);
      await database.sql('delete from users where id = ?', [id]);

      const second = await accounts.register('alice', 'second alice password');
      assert.notEqual(second.user.id, id);
      await assert.rejects(accounts.authenticate(first.accessToken), hubError('unauthorized'));
      assert.equal((await accounts.authenticate(second.accessToken)).id, second.user.id);
    });

    test('a token of a deleted user does not bring the account back as an external user', async () => {
      const session = await accounts.register('ghost', 'a password for ghost');
      await database.sql('delete from refresh_tokens where user_id = ?', [session.user.id]);
      await database.sql('delete from users where id = ?', [session.user.id]);
      await assert.rejects(accounts.authenticate(session.accessToken), hubError('unauthorized'));
      assert.equal(await store.findUserByName('ghost'), undefined);
    });

    test('bumping the generation refuses every earlier token at once; refresh signs the new one', async () => {
      const login = await accounts.register('bumped', 'a password for bump');
      const other = await accounts.login('bumped', 'a password for bump');
      const stranger = await accounts.register('unbumped', 'a password for stranger');
      for (const token of [login.accessToken, other.accessToken]) assert.equal((await accounts.authenticate(token)).id, login.user.id);

      assert.equal(await store.bumpTokenGeneration(login.user.id), 1);
      for (const token of [login.accessToken, other.accessToken]) {
        await assert.rejects(accounts.authenticate(token), hubError('unauthorized'));
      }
      // Another account's tokens are untouched.
      assert.equal((await accounts.authenticate(stranger.accessToken)).id, stranger.user.id);

      // The login itself survives (revoking it is the caller's choice): its refresh token mints
      // tokens of the new generation, which are accepted.
      const refreshed = await accounts.refresh(login.refreshToken);
      assert.equal(decodeJwt(refreshed.accessToken).gen, 1);
      const { user } = await accounts.authenticateToken(refreshed.accessToken);
      assert.deepEqual([user.id, user.tokenGeneration], [login.user.id, 1]);
    });

    test('a token naming the account with another username is refused', async () => {
      const session = await accounts.register('renamed', 'a password for rename');
      await database.sql('update users set username = ?, username_lower = ? where id = ?', ['renamed2', 'renamed2', session.user.id]);
      await assert.rejects(accounts.authenticate(session.accessToken), hubError('unauthorized'));
    });
  });
}
