import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, externalToken, type TestApp } from '../../test/support/http-app.js';

interface Session {
  user: { id: number; username: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  return (response.json() as { error: { code: string; message: string } }).error;
}

describe('account routes', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object });
  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

  test('register → login → me → refresh → reuse detection → logout', async () => {
    // Register: 201 with the session shape.
    const registered = await post('/api/auth/register', { username: 'alice', password: 'correct horse battery staple' });
    assert.equal(registered.statusCode, 201);
    const session = registered.json() as Session;
    assert.deepEqual(Object.keys(session).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'user']);
    assert.deepEqual(Object.keys(session.user).sort(), ['id', 'username']);
    assert.equal(session.user.username, 'alice');
    assert.equal(session.expiresIn, 900);

    // Login: 200, same shape, a new pair.
    const loggedIn = await post('/api/auth/login', { username: 'ALICE', password: 'correct horse battery staple' });
    assert.equal(loggedIn.statusCode, 200);
    const login = loggedIn.json() as Session;
    assert.equal(login.user.id, session.user.id);

    // Me: the user behind the access token.
    const who = await me(login.accessToken);
    assert.equal(who.statusCode, 200);
    assert.deepEqual(who.json(), { user: { id: session.user.id, username: 'alice' } });

    // Refresh: a new pair; the old refresh token is dead.
    const refreshed = await post('/api/auth/refresh', { refreshToken: login.refreshToken });
    assert.equal(refreshed.statusCode, 200);
    const next = refreshed.json() as Session;
    assert.notEqual(next.refreshToken, login.refreshToken);
    assert.equal((await me(next.accessToken)).statusCode, 200);

    // Presenting the rotated token again: 401 token_reused, and the new one dies with it.
    const reused = await post('/api/auth/refresh', { refreshToken: login.refreshToken });
    assert.equal(reused.statusCode, 401);
    assert.equal(errorOf(reused).code, 'token_reused');
    const victim = await post('/api/auth/refresh', { refreshToken: next.refreshToken });
    assert.equal(victim.statusCode, 401);
    assert.equal(errorOf(victim).code, 'token_reused');

    // The first login's family is untouched; logout ends it.
    const out = await post('/api/auth/logout', { refreshToken: session.refreshToken });
    assert.equal(out.statusCode, 204);
    assert.equal(out.body, '');
    const afterLogout = await post('/api/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(afterLogout.statusCode, 401);

    // Logout of a token nobody knows still succeeds.
    assert.equal((await post('/api/auth/logout', { refreshToken: 'no-such-token' })).statusCode, 204);
  });

  test('a taken username is 409 username_taken', async () => {
    await post('/api/auth/register', { username: 'bob', password: 'correct horse battery staple' });
    const again = await post('/api/auth/register', { username: 'Bob', password: 'other password for bob' });
    assert.equal(again.statusCode, 409);
    assert.equal(errorOf(again).code, 'username_taken');
  });

  test('login fails the same way for an unknown user and a wrong password', async () => {
    await post('/api/auth/register', { username: 'carol', password: 'correct horse battery staple' });
    const wrong = await post('/api/auth/login', { username: 'carol', password: 'wrong horse battery staple' });
    const unknown = await post('/api/auth/login', { username: 'nobody', password: 'correct horse battery staple' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(wrong.json(), unknown.json());
    assert.equal(errorOf(wrong).code, 'invalid_credentials');
  });

  test('an unknown refresh token is 401 unauthorized', async () => {
    const response = await post('/api/auth/refresh', { refreshToken: 'made-up' });
    assert.equal(response.statusCode, 401);
    assert.equal(errorOf(response).code, 'unauthorized');
  });

  test('/api/me needs a valid Bearer token', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer not-a-jwt' }]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/me', headers });
      assert.equal(response.statusCode, 401);
      assert.equal(errorOf(response).code, 'unauthorized');
    }
    const forged = await me(await externalToken('mallory', 'some-other-secret-that-is-long-enough-x'));
    assert.equal(forged.statusCode, 401);
  });

  test('an external token creates its user on first use', async () => {
    const token = await externalToken('Dora');
    const first = await me(token);
    assert.equal(first.statusCode, 200);
    const { user } = first.json() as { user: { id: number; username: string } };
    assert.equal(user.username, 'Dora');
    assert.deepEqual((await me(token)).json(), { user });
    // No password: password login is refused like any bad login.
    const login = await post('/api/auth/login', { username: 'dora', password: 'anything at all' });
    assert.equal(errorOf(login).code, 'invalid_credentials');
  });

  describe('validation', () => {
    const cases: { name: string; url: string; payload: unknown; field: RegExp }[] = [
      { name: 'missing field', url: '/api/auth/register', payload: { username: 'erin' }, field: /^password: is required$/ },
      { name: 'short password', url: '/api/auth/register', payload: { username: 'erin', password: 'short' }, field: /^password: .*8/ },
      { name: 'bad username', url: '/api/auth/register', payload: { username: 'a b', password: 'long enough' }, field: /^username: must be 3-32 characters/ },
      { name: 'unknown extra field', url: '/api/auth/register', payload: { username: 'erin', password: 'long enough', admin: true }, field: /^admin: unknown field$/ },
      { name: 'wrong type', url: '/api/auth/login', payload: { username: 'erin', password: 12345678 }, field: /^password: / },
      { name: 'refresh without token', url: '/api/auth/refresh', payload: {}, field: /^refreshToken: is required$/ },
      // PostgreSQL cannot take U+0000 in a query parameter: a login with one used to answer 500.
      { name: 'NUL in a login name', url: '/api/auth/login', payload: { username: 'er\u0000in', password: 'long enough' }, field: /^username: must not contain U\+0000/ },
      { name: 'NUL in a password', url: '/api/auth/register', payload: { username: 'erin', password: 'long\u0000enough' }, field: /^password: must not contain U\+0000/ },
      { name: 'lone surrogate in a password', url: '/api/auth/login', payload: { username: 'erin', password: 'long\ud800enough' }, field: /^password: must be well-formed Unicode/ },
    ];
    for (const { name, url, payload, field } of cases) {
      test(name, async () => {
        const response = await post(url, payload);
        assert.equal(response.statusCode, 400);
        const error = errorOf(response);
        assert.equal(error.code, 'invalid_request');
        assert.match(error.message, field);
      });
    }

    test('no body at all', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/login' });
      assert.equal(response.statusCode, 400);
      assert.deepEqual(errorOf(response), { code: 'invalid_request', message: 'body: is required' });
    });

    test('several problems are all named', async () => {
      const response = await post('/api/auth/register', { username: 'x', extra: 1 });
      const { message } = errorOf(response);
      assert.match(message, /username: /);
      assert.match(message, /password: is required/);
      assert.match(message, /extra: unknown field/);
    });
  });
});

describe('password strength on registration', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });
  const register = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username, password } });

  // The user test's two examples, a top-100 password, a keyboard row, a repeat, and the username.
  for (const [username, password, reason] of [
    ['weakling1', '        ', /[Rr]epeated characters/],
    ['weakling2', 'password', /most used passwords/],
    ['weakling3', 'qwertyuiop', /frequently used password|[Kk]eyboard/],
    ['weakling4', 'abcabcabcabc', /[Rr]epeated character patterns/],
    ['penelope', 'penelope2024', /username|[Yy]ears/],
  ] as const) {
    test(`${JSON.stringify(password)} is 400 weak_password, with zxcvbn's reason and no echo`, async () => {
      const response = await register(username, password);
      assert.equal(response.statusCode, 400);
      const error = errorOf(response);
      assert.equal(error.code, 'weak_password');
      assert.match(error.message, /^password too weak: /);
      assert.match(error.message, reason);
      // (Blanks and the word "password" are in any message.)
      if (!/^\s*$|^password$/.test(password)) assert.ok(!error.message.includes(password), error.message);
      // Nobody was created: the name is still free.
      assert.equal((await register(username, 'velvet otter canyon drums')).statusCode, 201);
    });
  }

  test('the username counts against the password', async () => {
    // Strong for anyone else, weak for the user whose name it is built on.
    const own = await register('marguerite', 'marguerite42!');
    assert.equal(own.statusCode, 400);
    assert.match(errorOf(own).message, /contains your username/);
    assert.equal((await register('someone', 'marguerite42!')).statusCode, 201);
  });

  test('a strong password is 201, and neither the password nor the advice is logged', async () => {
    const response = await register('strongone', 'amber walrus tundra lamp');
    assert.equal(response.statusCode, 201);
    await register('weakone', 'password1');
    assert.ok(!t.logs().includes('amber walrus tundra lamp'));
    assert.ok(!t.logs().includes('password1'));
  });

  test('PASSWORD_MIN_SCORE=0 keeps only the length rule', async () => {
    const lax = await buildTestApp({ env: { PASSWORD_MIN_SCORE: '0' } });
    try {
      const response = await lax.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'lax', password: 'password' } });
      assert.equal(response.statusCode, 201);
    } finally {
      await lax.close();
    }
  });
});

describe('auth rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { AUTH_RATE_LIMIT: '3' } });
  });
  after(async () => {
    await t.close();
  });

  test('register and login share a per-IP budget; the excess is 429 with Retry-After', async () => {
    const attempt = (url: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url, remoteAddress, payload: { username: 'nobody', password: 'whatever password nobody guesses' } });
    assert.equal((await attempt('/api/auth/login', '10.0.0.1')).statusCode, 401);
    assert.equal((await attempt('/api/auth/register', '10.0.0.1')).statusCode, 201);
    assert.equal((await attempt('/api/auth/login', '10.0.0.1')).statusCode, 200);
    const limited = await attempt('/api/auth/login', '10.0.0.1');
    assert.equal(limited.statusCode, 429);
    assert.equal(errorOf(limited).code, 'rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(limited.headers['retry-after'])}`);
    // Another address has its own budget; refresh is not limited.
    assert.equal((await attempt('/api/auth/login', '10.0.0.2')).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', remoteAddress: '10.0.0.1', payload: { refreshToken: 'x' } })).statusCode, 401);
    const metrics = await t.metrics.registry.getSingleMetricAsString('hubbub_rate_limited_total');
    assert.match(metrics, /hubbub_rate_limited_total\{scope="auth"\} 1/);
  });
});

describe('EXTERNAL_TOKENS=false', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { EXTERNAL_TOKENS: 'false' } });
  });
  after(async () => {
    await t.close();
  });

  test('a valid token for an unknown user is refused and creates nobody', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${await externalToken('frank')}` } });
    assert.equal(response.statusCode, 401);
    assert.equal(errorOf(response).code, 'unauthorized');
    assert.equal(await t.store.findUserByName('frank'), undefined);
  });
});
