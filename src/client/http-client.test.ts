// HubbubHttp without a server: the requests it builds (path, query string, token) and what it
// makes of the answers, through a stand-in for fetch.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HubbubError } from './errors.js';
import { HubbubHttp } from './http-client.js';

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
}

/**
 * Replaces fetch for the tests of one `describe`: each request is recorded in `seen`, each
 * answer is `answer` (reset to 200 with `body` before each test).
 */
function stubFetch(body: unknown): { seen: Seen[]; answer: { status: number; body: unknown } } {
  const realFetch = globalThis.fetch;
  const state = { seen: [] as Seen[], answer: { status: 200, body } };
  beforeEach(() => {
    state.seen = [];
    state.answer = { status: 200, body };
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      state.seen.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string> });
      return new Response(JSON.stringify(state.answer.body), { status: state.answer.status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  return state;
}

describe('HubbubHttp.directory', () => {
  const fetched = stubFetch({ rooms: [] });

  it('asks for the first page with no query string, with the access token', async () => {
    const http = new HubbubHttp('http://chat.test/', 'token-1');
    const page = await http.directory();
    assert.deepEqual(page, { rooms: [] });
    assert.equal(fetched.seen[0]!.url, 'http://chat.test/api/rooms/directory');
    assert.equal(fetched.seen[0]!.method, 'GET');
    assert.equal(fetched.seen[0]!.headers.authorization, 'Bearer token-1');
  });

  it('passes q, limit and cursor, encoded; an empty q is left out', async () => {
    const http = new HubbubHttp('http://chat.test');
    fetched.answer.body = { rooms: [{ room: 'design-review', visibility: 'public', lastSeq: 4, members: 3, member: false }], next: 'c/2+x' };
    const page = await http.directory({ q: 'design review&', limit: 20, cursor: 'c/1+x' });
    assert.equal(page.next, 'c/2+x');
    assert.equal(page.rooms[0]!.members, 3);
    const url = new URL(fetched.seen[0]!.url);
    assert.equal(url.pathname, '/api/rooms/directory');
    assert.deepEqual(Object.fromEntries(url.searchParams), { q: 'design review&', limit: '20', cursor: 'c/1+x' });
    await http.directory({ q: '' });
    assert.equal(fetched.seen[1]!.url, 'http://chat.test/api/rooms/directory');
  });

  it("rejects with the server's error code and status", async () => {
    fetched.answer = { status: 400, body: { error: { code: 'invalid_request', message: 'limit: too big' } } };
    await assert.rejects(new HubbubHttp('http://chat.test').directory({ limit: 1000 }), (error: unknown) => {
      assert.ok(error instanceof HubbubError);
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.status, 400);
      return true;
    });
  });
});

describe('HubbubHttp.searchUsers and user', () => {
  const fetched = stubFetch({ users: [] });

  it('searches by prefix, encoded, with the limit when given, and returns the users', async () => {
    const http = new HubbubHttp('http://chat.test', 'token-2');
    fetched.answer.body = { users: [{ username: 'Alice' }, { username: 'al_x' }] };
    assert.deepEqual(await http.searchUsers('al_&x%', 5), [{ username: 'Alice' }, { username: 'al_x' }]);
    const url = new URL(fetched.seen[0]!.url);
    assert.equal(url.pathname, '/api/users');
    assert.deepEqual(Object.fromEntries(url.searchParams), { q: 'al_&x%', limit: '5' });
    assert.equal(fetched.seen[0]!.headers.authorization, 'Bearer token-2');
    await http.searchUsers('bo');
    assert.equal(fetched.seen[1]!.url, 'http://chat.test/api/users?q=bo');
  });

  it('looks a user up by name, encoded in the path', async () => {
    fetched.answer.body = { user: { username: 'Bob.B' } };
    assert.deepEqual(await new HubbubHttp('http://chat.test').user('bob.b/../x'), { username: 'Bob.B' });
    assert.equal(fetched.seen[0]!.url, 'http://chat.test/api/users/bob.b%2F..%2Fx');
  });

  it('returns the profile card: presence, availability while online, last seen while offline', async () => {
    fetched.answer = { status: 200, body: { user: { username: 'zoë.x', status: 'offline', lastSeen: '2026-12-02T10:00:00.000Z' } } };
    const profile = await new HubbubHttp('http://chat.test', 't').user('zoë.x');
    assert.equal(fetched.seen[0]!.url, 'http://chat.test/api/users/zo%C3%AB.x');
    assert.deepEqual(profile, { username: 'zoë.x', status: 'offline', lastSeen: '2026-12-02T10:00:00.000Z' });
    fetched.answer = { status: 200, body: { user: { username: 'bob', status: 'online', availability: 'dnd' } } };
    assert.equal((await new HubbubHttp('http://chat.test', 't').user('bob')).availability, 'dnd');
  });

  it('rejects an unknown user with not_found and status 404', async () => {
    fetched.answer = { status: 404, body: { error: { code: 'not_found', message: 'no user nobody' } } };
    await assert.rejects(new HubbubHttp('http://chat.test').user('nobody'), (error: unknown) => {
      assert.ok(error instanceof HubbubError);
      assert.equal(error.code, 'not_found');
      assert.equal(error.status, 404);
      return true;
    });
  });
});
