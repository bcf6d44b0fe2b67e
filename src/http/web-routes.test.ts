// The web app's routes over the real HTTP app (fastify inject): index and assets with their cache
// headers and content types, the SPA fallback only for pages a browser asks for, no way out of
// the dist folder, the API's 404 kept, and a clear 503 when the app is not built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../test/support/http-app.js';
import { defaultWebDistDir, webRoutes } from './routes/web.js';

const INDEX = '<!doctype html><title>hubbub</title><script type="module" src="/assets/index-abc123.js"></script>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('web routes', () => {
  let dir: string;
  let t: TestApp;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hubbub-web-'));
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
    writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{color:red}');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dist, '.env'), 'SECRET=1');
    writeFileSync(join(dir, 'outside.txt'), 'not for the web');
    t = await buildTestApp({ routes: [webRoutes({ distDir: dist })] });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache, as HTML, with a content security policy', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/', headers: HTML });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, INDEX);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(response.headers['cache-control'], 'no-cache');
    assert.match(String(response.headers['content-security-policy']), /script-src 'self'/);
    const head = await t.app.inject({ method: 'HEAD', url: '/' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
  });

  it('serves hashed assets for a year, immutable, with their content types', async () => {
    const js = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.body, 'console.log("app")');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.headers['content-length'], String('console.log("app")'.length));
    assert.equal(js.headers['x-content-type-options'], 'nosniff');
    const css = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.css?v=1' });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const icon = await t.app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  it('answers a missing asset with 404, even to a browser', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/assets/index-old999.js', headers: HTML });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'not_found');
  });

  it('falls back to index.html for unknown pages a browser navigates to, and only those', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/r/general', headers: HTML });
    assert.equal(page.statusCode, 200);
    assert.equal(page.body, INDEX);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const script = await t.app.inject({ method: 'GET', url: '/r/general', headers: { accept: 'application/json' } });
    assert.equal(script.statusCode, 404);
    const post = await t.app.inject({ method: 'POST', url: '/r/general', headers: HTML });
    assert.equal(post.statusCode, 404);
  });

  it('keeps the API, the WebSocket path and the operations routes out of the fallback', async () => {
    for (const url of ['/api/nope', '/api', '/ws', '/metrics/x']) {
      const response = await t.app.inject({ method: 'GET', url, headers: HTML });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json<{ error: { code: string } }>().error.code, 'not_found', url);
    }
    const health = await t.app.inject({ method: 'GET', url: '/healthz', headers: HTML });
    assert.deepEqual(health.json(), { status: 'ok' });
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: HTML });
    assert.equal(me.statusCode, 401, 'real API routes still answer');
  });

  it('never serves a file outside the dist folder, nor a dotfile', async () => {
    for (const url of [
      '/../outside.txt',
      '/assets/../../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/%2e%2e%2f%2e%2e%2foutside.txt',
      '/..%5Coutside.txt',
      '/.env',
      '/assets/%00.js',
      '/%E0%A4%A',
      '/assets//index-abc123.js',
      '/assets/',
      '/.git/config',
    ]) {
      const response = await t.app.inject({ method: 'GET', url });
      // A malformed escape is Fastify's 400; everything else is simply not there.
      assert.ok([400, 404].includes(response.statusCode), `${url}: ${response.statusCode}`);
      assert.doesNotMatch(response.body, /not for the web|SECRET/, url);
      const browser = await t.app.inject({ method: 'GET', url, headers: HTML });
      assert.doesNotMatch(browser.body, /not for the web|SECRET/, url);
    }
    // A dotfile path is not a page either: scanners probing for secrets see "not found".
    for (const url of ['/.env', '/.git/config', '/assets/%00.js']) {
      const browser = await t.app.inject({ method: 'GET', url, headers: HTML });
      assert.equal(browser.statusCode, 404, url);
    }
  });

  it('lets a browser revalidate index.html and assets (304 with the ETag)', async () => {
    for (const url of ['/', '/assets/index-abc123.js']) {
      const first = await t.app.inject({ method: 'GET', url, headers: HTML });
      const etag = String(first.headers.etag);
      assert.ok(etag.length > 2, `${url} has an ETag`);
      const again = await t.app.inject({ method: 'GET', url, headers: { ...HTML, 'if-none-match': etag } });
      assert.equal(again.statusCode, 304, url);
      assert.equal(again.body, '');
    }
  });

  it('answers 503 with how to build when web/dist is missing', async () => {
    const empty = await buildTestApp({ routes: [webRoutes({ distDir: join(dir, 'no-such-dist') })] });
    try {
      const response = await empty.app.inject({ method: 'GET', url: '/', headers: HTML });
      assert.equal(response.statusCode, 503);
      assert.match(String(response.headers['content-type']), /^text\/plain/);
      assert.match(response.body, /npm run build:web/);
      const page = await empty.app.inject({ method: 'GET', url: '/some/page', headers: HTML });
      assert.equal(page.statusCode, 503);
      const api = await empty.app.inject({ method: 'GET', url: '/api/nope' });
      assert.equal(api.statusCode, 404);
    } finally {
      await empty.close();
    }
  });

  it('finds web/dist from the package root', () => {
    assert.match(defaultWebDistDir(), /[/\\]web[/\\]dist$/);
    assert.doesNotMatch(defaultWebDistDir(), /[/\\]src[/\\]/);
  });
});
