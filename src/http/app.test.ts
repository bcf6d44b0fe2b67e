import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { z } from 'zod';
import { historyQuery } from '../protocol/http.js';
import { requireUser } from './authenticate.js';
import { buildTestApp, type TestApp } from '../../test/support/http-app.js';

function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  return (response.json() as { error: { code: string; message: string } }).error;
}

/** A plugin like `routes/rooms.ts` would be: it authenticates with `requireUser`. */
const extraRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/whoami-twice', async (request) => {
    const first = await requireUser(request);
    const second = await requireUser(request);
    return { same: first === second, username: first.username };
  });
  app.get('/api/echo-query', { schema: { querystring: historyQuery } }, async (request) => request.query);
  app.get(
    '/api/shaped',
    { schema: { response: { 200: z.object({ visible: z.string() }) } } },
    async () => ({ visible: 'yes', internal: 'must not leave the server' }),
  );
  app.get('/api/explode', async () => {
    throw new Error('db password=hunter2 leaked in a driver message');
  });
};

describe('HTTP app', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { MAX_BODY_BYTES: '1024' }, routes: [extraRoutes] });
  });
  after(async () => {
    await t.close();
  });

  test('GET /healthz', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  test('GET /readyz when ready', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', checks: { database: 'ok' } });
  });

  test('an unknown route is 404 not_found in the contract shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/nope?token=secret-in-url' });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), { error: { code: 'not_found', message: 'no route for GET /api/nope' } });
  });

  test('a body over MAX_BODY_BYTES is 413 payload_too_large', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'huge', password: 'x'.repeat(5000) },
    });
    assert.equal(response.statusCode, 413);
    assert.equal(errorOf(response).code, 'payload_too_large');
  });

  test('malformed JSON is 400 invalid_request', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "a", ',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorOf(response), { code: 'invalid_request', message: 'request body is not valid JSON' });
  });

  test('a body that is not JSON is 400 invalid_request', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    assert.equal(response.statusCode, 400);
    assert.equal(errorOf(response).code, 'invalid_request');
  });

  test('query strings are parsed and coerced by the zod schema', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/echo-query?before=10' });
    assert.deepEqual(ok.json(), { before: 10, limit: 50 });
    const bad = await t.app.inject({ method: 'GET', url: '/api/echo-query?limit=999' });
    assert.equal(bad.statusCode, 400);
    assert.match(errorOf(bad).message, /^limit: /);
    const both = await t.app.inject({ method: 'GET', url: '/api/echo-query?before=1&after=2' });
    assert.equal(errorOf(both).message, 'before: before and after cannot be combined');
  });

  test('numeric query parameters accept plain decimal digits only', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/echo-query?after=007&limit=100' });
    assert.deepEqual(ok.json(), { after: 7, limit: 100 });
    // Each of these is a number to Number() (and so to z.coerce.number()), but not a plain integer.
    for (const value of ['0x10', '1e1', '+5', '%205', '5%20', '5.0', '', '-1', '1_0', 'Infinity', '99999999999999999999']) {
      for (const name of ['limit', 'before']) {
        const response = await t.app.inject({ method: 'GET', url: `/api/echo-query?${name}=${value}` });
        assert.equal(response.statusCode, 400, `${name}=${value}: ${response.body}`);
        assert.equal(errorOf(response).code, 'invalid_request');
        assert.match(errorOf(response).message, new RegExp(`^${name}: `), `${name}=${value}`);
      }
    }
  });

  test('response schemas strip fields they do not name', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/shaped' });
    assert.deepEqual(response.json(), { visible: 'yes' });
  });

  test('an unexpected error is 500 internal, logged with its stack, its message not leaked', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/explode' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(response.json(), { error: { code: 'internal', message: 'internal server error' } });
    const logged = t
      .logs()
      .split('\n')
      .filter((line) => line.includes('request failed'))
      .map((line) => JSON.parse(line) as { level: number; err?: { stack?: string } });
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.level, 50);
    assert.match(logged[0]?.err?.stack ?? '', /leaked in a driver message\n\s+at /);
  });

  test('route plugins can authenticate with requireUser (remembered per request)', async () => {
    const registered = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'gina', password: 'correct horse battery staple' } });
    const { accessToken } = registered.json() as { accessToken: string };
    const response = await t.app.inject({ method: 'GET', url: '/api/whoami-twice', headers: { authorization: `Bearer ${accessToken}` } });
    assert.deepEqual(response.json(), { same: true, username: 'gina' });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/whoami-twice' });
    assert.equal(anonymous.statusCode, 401);
  });

  test('X-Request-Id is honoured when sane, generated otherwise, and on every log line', async () => {
    const honoured = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(honoured.headers['x-request-id'], 'abc-123');
    assert.match(t.logs(), /"reqId":"abc-123"/);
    const replaced = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n{"level":60}' } });
    assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const generated = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  test('GET /metrics exposes Prometheus text with request counts by route', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain/);
    assert.match(response.body, /hubbub_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(response.body, /route="unmatched",status="404"/);
    assert.match(response.body, /^process_cpu_user_seconds_total /m);
    assert.match(response.body, /^# TYPE hubbub_connections gauge$/m);
  });
});

describe('readiness failures', () => {
  test('GET /readyz is 503 with the failing checks', async () => {
    const t = await buildTestApp({ readiness: async () => ({ ready: false, checks: { database: 'ok', redis: 'connection refused' } }) });
    try {
      const response = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(response.statusCode, 503);
      assert.deepEqual(response.json(), { status: 'degraded', checks: { database: 'ok', redis: 'connection refused' } });
    } finally {
      await t.close();
    }
  });

  test('a readiness check that throws is 503 too', async () => {
    const t = await buildTestApp({
      readiness: async () => {
        throw new Error('database is locked');
      },
    });
    try {
      const response = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(response.statusCode, 503);
      assert.deepEqual(response.json(), { status: 'unavailable', checks: { readiness: 'database is locked' } });
    } finally {
      await t.close();
    }
  });
});

describe('CORS', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ALLOWED_ORIGINS: 'https://chat.example.com' } });
  });
  after(async () => {
    await t.close();
  });

  const preflight = (origin: string) =>
    t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  test('an allowed origin gets its preflight answered', async () => {
    const response = await preflight('https://chat.example.com');
    assert.equal(response.statusCode, 204);
    assert.equal(response.headers['access-control-allow-origin'], 'https://chat.example.com');
    assert.match(String(response.headers['access-control-allow-methods']), /POST/);
    assert.match(String(response.headers['access-control-allow-headers']), /Content-Type/i);
    assert.match(String(response.headers['access-control-allow-headers']), /Authorization/i);
    assert.equal(response.headers['access-control-max-age'], '600');
    assert.equal(response.headers.vary, 'Origin');
  });

  test('another origin is refused at preflight and gets no allow header', async () => {
    const response = await preflight('https://evil.example');
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
    assert.equal(errorOf(response).code, 'forbidden');
  });

  test('actual requests carry the allow header only for allowed origins', async () => {
    const allowed = await t.app.inject({ method: 'GET', url: '/api/me', headers: { origin: 'https://chat.example.com' } });
    assert.equal(allowed.statusCode, 401);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://chat.example.com');
    assert.equal(allowed.headers['access-control-expose-headers'], 'Retry-After, X-Request-Id');
    assert.match(String(allowed.headers.vary), /Origin/);
    const other = await t.app.inject({ method: 'GET', url: '/api/me', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    assert.equal(other.headers['access-control-expose-headers'], undefined);
  });

  test('routes outside /api get no CORS headers, and their preflight is not answered', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://chat.example.com' } });
    assert.equal(response.headers['access-control-allow-origin'], undefined);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/healthz',
      headers: { origin: 'https://chat.example.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.statusCode, 404);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-methods'], undefined);
  });

  test('with ALLOWED_ORIGINS unset any origin is allowed', async () => {
    const open = await buildTestApp();
    try {
      const response = await open.app.inject({
        method: 'OPTIONS',
        url: '/api/rooms',
        headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'GET' },
      });
      assert.equal(response.statusCode, 204);
      assert.equal(response.headers['access-control-allow-origin'], '*');
    } finally {
      await open.close();
    }
  });
});

describe('logs', () => {
  test('never contain a password or a token', async () => {
    const t = await buildTestApp();
    try {
      const password = 'very-secret-password-42';
      const registered = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'henry', password } });
      const session = registered.json() as { accessToken: string; refreshToken: string };
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'henry', password } });
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'henry', password: `${password}-wrong` } });
      await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${session.accessToken}` } });
      await t.app.inject({ method: 'GET', url: `/api/me?token=${session.accessToken}` });
      await t.app.inject({ method: 'GET', url: `/ws?token=${session.accessToken}&x=1` });
      await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
      await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
      await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username: 'bad name', password } });

      // Code that logs credentials by mistake is covered by redaction.
      const logger = t.app.log;
      logger.info({ password, token: session.accessToken, body: { password, refreshToken: session.refreshToken } }, 'oops');
      logger.info({ req: { headers: { authorization: `Bearer ${session.accessToken}` } } }, 'oops again');

      const logs = t.logs();
      assert.ok(logs.length > 0 && logs.includes('[redacted]'));
      assert.match(logs, /\/ws\?token=\[redacted\]&x=1/);
      for (const secret of [password, session.accessToken, session.refreshToken]) {
        assert.ok(!logs.includes(secret), `a credential appeared in the logs`);
      }
    } finally {
      await t.close();
    }
  });
});
