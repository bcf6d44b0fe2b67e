// The user routes over a real HTTP app and an in-memory SQLite store: search by prefix (case,
// literal % and _, order, limit), lookup by name, validation, authentication and the read limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestApp } from '../../test/support/http-app.js';
import { createMemoryRateLimiter } from '../engines/memory/memory-rate-limiter.js';
import type { SqlStore } from '../store/sql-store.js';
import { userRoutes } from './routes/users.js';

function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  return (response.json() as { error: { code: string; message: string } }).error;
}

/** Reads a user may make per second here: enough for the tests, few enough to reach. */
const READS = 40;

describe('user routes', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    // The routes are built before the app opens its store: they reach it through this.
    const opened: { store?: SqlStore } = {};
    const users = {
      findUserByName: (name: string) => opened.store!.findUserByName(name),
      listUsersByPrefix: (prefix: string, limit: number) => opened.store!.listUsersByPrefix(prefix, limit),
    };
    const history = createMemoryRateLimiter({ points: READS, durationSeconds: 60 });
    // Nobody is online here: every profile says offline.
    const presence = { statuses: () => Promise.resolve(new Map()) };
    t = await buildTestApp({ routes: [userRoutes({ users, presence, limits: { history } })] });
    opened.store = t.store;
    const registered = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'searcher', password: 'correct horse' } });
    token = (registered.json() as { accessToken: string }).accessToken;
    for (const name of ['Alice', 'alina', 'albert', 'al_x', 'alyx', 'al.b', 'bob', 'BOBBY']) assert.ok(await t.store.createUser(name, null, 1));
  });
  after(async () => {
    await t?.close();
  });

  const get = (url: string, auth = token) => t.app.inject({ method: 'GET', url, headers: auth === '' ? {} : { authorization: `Bearer ${auth}` } });
  const names = async (url: string): Promise<string[]> => {
    const response = await get(url);
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as { users: { username: string }[] }).users.map((u) => u.username);
  };

  test('finds users whose name starts with q, in any letter case, sorted by name, as registered', async () => {
    assert.deepEqual(await names('/api/users?q=al'), ['al.b', 'al_x', 'albert', 'Alice', 'alina', 'alyx']);
    assert.deepEqual(await names('/api/users?q=ALI'), ['Alice', 'alina']);
    assert.deepEqual(await names('/api/users?q=bob'), ['bob', 'BOBBY']);
    assert.deepEqual(await names('/api/users?q=bobb'), ['BOBBY']);
    assert.deepEqual(await names('/api/users?q=carol'), []);
    // Each user is {username} only: no id, no password hash.
    const body = (await get('/api/users?q=alice')).json() as { users: object[] };
    assert.deepEqual(body, { users: [{ username: 'Alice' }] });
  });

  test('takes % and _ literally', async () => {
    assert.deepEqual(await names('/api/users?q=al_'), ['al_x']);
    assert.deepEqual(await names(`/api/users?q=${encodeURIComponent('al%')}`), []);
    assert.deepEqual(await names(`/api/users?q=${encodeURIComponent('%')}`), []);
    assert.deepEqual(await names('/api/users?q=_'), []);
  });

  test('returns at most limit users: 10 by default, up to 50', async () => {
    for (let i = 0; i < 12; i++) assert.ok(await t.store.createUser(`many${String(i).padStart(2, '0')}`, null, 1));
    assert.equal((await names('/api/users?q=many')).length, 10);
    assert.deepEqual(await names('/api/users?q=many&limit=3'), ['many00', 'many01', 'many02']);
    assert.equal((await names('/api/users?q=many&limit=50')).length, 12);
  });

  test('refuses a missing, empty or too long q, a bad limit and unknown parameters with 400 invalid_request', async () => {
    for (const query of ['', '?q=', `?q=${'a'.repeat(33)}`, '?q=al&limit=0', '?q=al&limit=51', '?q=al&limit=0x10', '?q=al&limit=', '?q=al&page=2', `?q=${encodeURIComponent('a\u0000')}`]) {
      const response = await get(`/api/users${query}`);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.equal(errorOf(response).code, 'invalid_request');
    }
  });

  test('looks a user up by name in any letter case; an unknown or malformed name is 404 not_found', async () => {
    const found = await get('/api/users/alice');
    assert.equal(found.statusCode, 200);
    assert.deepEqual(found.json(), { user: { username: 'Alice', status: 'offline' } });
    assert.deepEqual((await get('/api/users/BOBBY')).json(), { user: { username: 'BOBBY', status: 'offline' } });
    for (const name of ['nobody', 'no%20body', 'al%25', 'x']) {
      const missing = await get(`/api/users/${name}`);
      assert.equal(missing.statusCode, 404, name);
      assert.equal(errorOf(missing).code, 'not_found');
    }
  });

  test('needs a valid Bearer token', async () => {
    for (const url of ['/api/users?q=al', '/api/users/alice']) {
      for (const auth of ['', 'not-a-token']) {
        const response = await get(url, auth);
        assert.equal(response.statusCode, 401, `${url} with "${auth}"`);
        assert.equal(errorOf(response).code, 'unauthorized');
      }
    }
  });

  test('counts searches and lookups against the read limit: 429 rate_limited with Retry-After past it', async () => {
    let refused: LightMyRequestResponse | undefined;
    for (let i = 0; i <= READS && refused === undefined; i++) {
      const response = await get(i % 2 === 0 ? '/api/users?q=al' : '/api/users/alice');
      if (response.statusCode === 429) refused = response;
    }
    assert.ok(refused, 'a request was refused');
    assert.equal(errorOf(refused).code, 'rate_limited');
    assert.ok(Number(refused.headers['retry-after']) > 0);
  });
});
