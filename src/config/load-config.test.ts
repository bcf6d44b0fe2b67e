import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { SETTINGS, settingsMarkdown, settingsTable } from './settings.js';

/** Loads with no `.env` file at all, so the developer's own file cannot leak into results. */
function load(env: NodeJS.ProcessEnv) {
  return loadConfig(env, { envFile: false, cwd: '/srv/hubbub' });
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('defaults', () => {
    const config = load({});
    assert.equal(config.nodeEnv, 'development');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.databaseUrl, './data/hubbub.db');
    assert.equal(config.dataDir, '/srv/hubbub/data');
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.redisPrefix, 'hubbub:0:');
    assert.equal(config.jwtSecret, undefined);
    assert.equal(config.accessTokenTtlSeconds, 900);
    assert.equal(config.refreshTokenTtlSeconds, 30 * 24 * 3600);
    assert.equal(config.externalTokens, true);
    assert.equal(config.allowedOrigins, '*');
    assert.equal(config.trustProxy, false);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.maxConnectionsPerUser, 20);
    assert.equal(config.messageRateLimit, 10);
    assert.equal(config.authRateLimit, 20);
    assert.equal(config.passwordMinScore, 3);
    assert.equal(config.presenceGraceMs, 5000);
    assert.equal(config.maxTextLength, 4000);
    assert.equal(config.maxFrameBytes, 65536);
    assert.equal(config.maxBodyBytes, 65536);
    assert.equal(config.sendBufferBytes, 1024 * 1024);
    assert.equal(config.heartbeatIntervalMs, 25000);
    assert.equal(config.batchWindowMs, 0);
    assert.equal(config.shutdownTimeoutMs, 10000);
    assert.equal(config.dbPoolSize, 10);
  });

  test('refuses Redis (several nodes) on an SQLite store, naming REDIS_URL', () => {
    assert.throws(
      () => load({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: './data/hubbub.db' }),
      (error: unknown) => error instanceof ConfigError && /REDIS_URL/.test(error.message) && /SQLite/.test(error.message),
    );
  });

  describe('REDIS_PREFIX', () => {
    const cluster = (env: NodeJS.ProcessEnv) => load({ DATABASE_URL: 'postgres://chat@db:5432/chat', ...env });

    test('defaults to hubbub:<db>: from the database number of REDIS_URL, so databases are apart', () => {
      assert.equal(cluster({ REDIS_URL: 'redis://cache:6379/7' }).redisPrefix, 'hubbub:7:');
      assert.equal(cluster({ REDIS_URL: 'redis://cache:6379/8' }).redisPrefix, 'hubbub:8:');
      assert.equal(cluster({ REDIS_URL: 'rediss://:pw@cache:6380?db=3' }).redisPrefix, 'hubbub:3:');
      assert.equal(cluster({ REDIS_URL: 'redis://cache:6379' }).redisPrefix, 'hubbub:0:');
      assert.equal(cluster({ REDIS_URL: 'redis://cache:6379/' }).redisPrefix, 'hubbub:0:');
    });

    test('a set prefix wins, so deployments on one database can be apart too', () => {
      assert.equal(cluster({ REDIS_URL: 'redis://cache:6379/7', REDIS_PREFIX: ' chat-eu.prod: ' }).redisPrefix, 'chat-eu.prod:');
    });

    test('refuses a prefix that is not a short safe name, and a database that is not a number', () => {
      for (const bad of ['{tag}', 'two words', 'a/b', 'x'.repeat(65), 'new\nline']) {
        const error = configError(() => cluster({ REDIS_URL: 'redis://cache:6379', REDIS_PREFIX: bad }));
        assert.deepEqual(error.issues.map((issue) => issue.key), ['REDIS_PREFIX'], JSON.stringify(bad));
        assert.match(error.message, /REDIS_PREFIX: must be 1 to 64 letters, digits or _ \. : -/);
      }
      for (const bad of ['redis://cache:6379/seven', 'redis://cache:6379/7/x', 'redis://cache:6379?db=x']) {
        const error = configError(() => cluster({ REDIS_URL: bad }));
        assert.deepEqual(error.issues.map((issue) => issue.key), ['REDIS_URL'], bad);
      }
    });
  });

  test('parses every kind of value', () => {
    const config = load({
      NODE_ENV: 'production',
      PORT: ' 8080 ',
      EXTERNAL_TOKENS: '0',
      MESSAGE_RATE_LIMIT: '0',
      LOG_LEVEL: 'debug',
      REDIS_URL: 'redis://cache:6379',
      DATABASE_URL: 'postgres://chat@db:5432/chat',
      JWT_SECRET: 'x'.repeat(32),
      ALLOWED_ORIGINS: 'https://Chat.Example.com, http://localhost:5173/',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
    });
    assert.equal(config.nodeEnv, 'production');
    assert.equal(config.port, 8080);
    assert.equal(config.externalTokens, false);
    assert.equal(config.messageRateLimit, 0);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.redisUrl, 'redis://cache:6379');
    assert.equal(config.jwtSecret, 'x'.repeat(32));
    assert.deepEqual(config.allowedOrigins, ['https://chat.example.com', 'http://localhost:5173']);
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  });

  test('booleans accept true/false/1/0 in any case', () => {
    assert.equal(load({ EXTERNAL_TOKENS: 'TRUE' }).externalTokens, true);
    assert.equal(load({ EXTERNAL_TOKENS: '1' }).externalTokens, true);
    assert.equal(load({ EXTERNAL_TOKENS: 'False' }).externalTokens, false);
  });

  test('an invalid value names its key, the problem and the value', () => {
    const error = configError(() => load({ PORT: 'abc' }));
    assert.match(error.message, /PORT: must be an integer between 0 and 65535 \(got "abc"\)/);
    assert.deepEqual(error.issues.map((issue) => issue.key), ['PORT']);
  });

  test('every bad key is reported at once', () => {
    const error = configError(() =>
      load({
        PORT: '70000',
        LOG_LEVEL: 'loud',
        EXTERNAL_TOKENS: 'maybe',
        MAX_TEXT_LENGTH: '5000',
        ACCESS_TOKEN_TTL: '1.5',
        ALLOWED_ORIGINS: 'https://ok.example, chat.example.com',
        REDIS_URL: 'http://cache',
        NODE_ENV: 'staging',
      }),
    );
    const keys = error.issues.map((issue) => issue.key).sort();
    assert.deepEqual(keys, ['ACCESS_TOKEN_TTL', 'ALLOWED_ORIGINS', 'EXTERNAL_TOKENS', 'LOG_LEVEL', 'MAX_TEXT_LENGTH', 'NODE_ENV', 'PORT', 'REDIS_URL']);
    for (const key of keys) assert.match(error.message, new RegExp(`^  ${key}: `, 'm'));
    assert.match(error.message, /MAX_TEXT_LENGTH: must be an integer between 1 and 4000 \(got "5000"\)/);
    assert.match(error.message, /LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
    assert.match(error.message, /EXTERNAL_TOKENS: must be true, false, 1 or 0/);
    assert.match(error.message, /"chat\.example\.com" is not an origin/);
  });

  test('numbers are plain decimal integers', () => {
    for (const bad of ['1e3', '0x10', '12abc', '-1', '2.0']) {
      const error = configError(() => load({ MAX_CONNECTIONS_PER_USER: bad }));
      assert.equal(error.issues[0]?.key, 'MAX_CONNECTIONS_PER_USER');
    }
  });

  test('secrets and URLs that may hold passwords are never echoed', () => {
    const error = configError(() =>
      load({ JWT_SECRET: 'too-short-secret', DATABASE_URL: 'oracle://root:hunter2@db/chat', REDIS_URL: 'http://:hunter3@cache' }),
    );
    assert.deepEqual(error.issues.map((issue) => issue.key).sort(), ['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL']);
    assert.match(error.message, /JWT_SECRET: must be at least 32 characters long \(it has 16\)/);
    assert.doesNotMatch(error.message, /too-short-secret|hunter2|hunter3/);
  });

  test('a blank value counts as unset', () => {
    const config = load({ PORT: '', REDIS_URL: '  ', ALLOWED_ORIGINS: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.allowedOrigins, '*');
  });

  test('"*" anywhere in ALLOWED_ORIGINS allows any origin', () => {
    assert.equal(load({ ALLOWED_ORIGINS: 'https://a.example,*' }).allowedOrigins, '*');
  });

  test('the result is deeply frozen', () => {
    const config = load({ ALLOWED_ORIGINS: 'https://a.example' });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.allowedOrigins));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
  });

  describe('data folder', () => {
    test('is the folder of an SQLite file', () => {
      assert.equal(load({ DATABASE_URL: '/var/lib/hubbub/chat.db' }).dataDir, '/var/lib/hubbub');
      assert.equal(load({ DATABASE_URL: 'sqlite:./db/chat.db' }).dataDir, '/srv/hubbub/db');
      assert.equal(load({ DATABASE_URL: 'sqlite:///opt/chat.db' }).dataDir, '/opt');
    });

    test('is ./data for PostgreSQL and in-memory SQLite', () => {
      assert.equal(load({ DATABASE_URL: 'postgres://u:p@db/chat' }).dataDir, '/srv/hubbub/data');
      assert.equal(load({ DATABASE_URL: 'sqlite::memory:' }).dataDir, '/srv/hubbub/data');
    });

    test('DATA_DIR wins when set', () => {
      assert.equal(load({ DATA_DIR: 'state', DATABASE_URL: '/var/lib/hubbub/chat.db' }).dataDir, '/srv/hubbub/state');
    });
  });

  describe('.env file', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hubbub-config-'));
      await writeFile(join(dir, '.env'), '# local settings\nPORT=4000\nLOG_LEVEL="debug"\nHOST=127.0.0.1\n');
      await writeFile(join(dir, 'bad.env'), 'PORT=nope\n');
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('is read from the working directory', () => {
      const config = loadConfig({}, { cwd: dir });
      assert.equal(config.port, 4000);
      assert.equal(config.logLevel, 'debug');
      assert.equal(config.host, '127.0.0.1');
    });

    test('real environment variables win over it', () => {
      const config = loadConfig({ PORT: '5000' }, { cwd: dir });
      assert.equal(config.port, 5000);
      assert.equal(config.logLevel, 'debug');
    });

    test('a missing default .env is fine', async () => {
      const empty = await mkdtemp(join(tmpdir(), 'hubbub-config-'));
      try {
        assert.equal(loadConfig({}, { cwd: empty }).port, 3000);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });

    test('a missing file that was asked for is an error', () => {
      const error = configError(() => loadConfig({}, { cwd: dir, envFile: 'missing.env' }));
      assert.match(error.message, /missing\.env: cannot read the env file \(ENOENT\)/);
    });

    test('a bad value from the file says where it came from', () => {
      const error = configError(() => loadConfig({}, { cwd: dir, envFile: 'bad.env' }));
      assert.match(error.message, /PORT: must be an integer between 0 and 65535 \(got "nope" from .*bad\.env\)/);
    });

    test('is not copied into the environment', () => {
      const env: NodeJS.ProcessEnv = {};
      loadConfig(env, { cwd: dir });
      assert.deepEqual(env, {});
    });
  });
});

describe('settings table', () => {
  test('covers every Config field, with unique variable names', () => {
    const fields = Object.keys(load({})).sort();
    assert.deepEqual(settingsTable().map((row) => row.field).sort(), fields);
    const names = settingsTable().map((row) => row.env);
    assert.equal(new Set(names).size, names.length);
  });

  test('holds every variable of the wire contract, with the contract defaults', () => {
    const byEnv = new Map(settingsTable().map((row) => [row.env, row]));
    const contract: Record<string, string | undefined> = {
      PORT: '3000',
      HOST: '0.0.0.0',
      DATABASE_URL: './data/hubbub.db',
      REDIS_URL: undefined,
      JWT_SECRET: undefined,
      EXTERNAL_TOKENS: 'true',
      MAX_CONNECTIONS_PER_USER: '20',
      MESSAGE_RATE_LIMIT: '10',
      AUTH_RATE_LIMIT: '20',
      PRESENCE_GRACE_MS: '5000',
      LOG_LEVEL: 'info',
    };
    for (const [env, rawDefault] of Object.entries(contract)) {
      assert.equal(byEnv.get(env)?.rawDefault, rawDefault, env);
    }
  });

  test('every default parses', () => {
    for (const setting of Object.values(SETTINGS)) {
      if (setting.default !== undefined) assert.ok(setting.schema.safeParse(setting.default).success, setting.env);
    }
  });

  test('renders as a Markdown table', () => {
    const markdown = settingsMarkdown();
    assert.match(markdown, /^\| variable \| meaning \| default \|$/m);
    assert.match(markdown, /^\| `PORT` \| .* \| `3000` \|$/m);
    assert.equal(markdown.split('\n').length, settingsTable().length + 2);
  });
});
