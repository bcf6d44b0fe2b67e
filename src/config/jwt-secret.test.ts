import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import type { Config } from './config.js';
import { ConfigError } from './config-error.js';
import { JWT_SECRET_FILE, resolveJwtSecret } from './jwt-secret.js';

type SecretConfig = Pick<Config, 'jwtSecret' | 'nodeEnv' | 'dataDir'>;

/** A logger that keeps its warnings. */
function recordingLogger() {
  const warnings: { obj: object; msg?: string }[] = [];
  return { warnings, warn: (obj: object, msg?: string) => warnings.push({ obj, msg }) };
}

describe('resolveJwtSecret', () => {
  const dirs: string[] = [];
  let dataDir: string;
  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'hubbub-secret-'));
    dirs.push(root);
    // A folder that does not exist yet: the first run creates it.
    dataDir = join(root, 'nested', 'data');
  });
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('JWT_SECRET wins, and nothing is written or logged', async () => {
    const logger = recordingLogger();
    const secret = 's'.repeat(40);
    assert.equal(await resolveJwtSecret({ jwtSecret: secret, nodeEnv: 'production', dataDir }, logger), secret);
    assert.equal(logger.warnings.length, 0);
    await assert.rejects(stat(join(dataDir, JWT_SECRET_FILE)), { code: 'ENOENT' });
  });

  test('generates a secret once, keeps it with mode 0600, and reuses it', async () => {
    const config: SecretConfig = { jwtSecret: undefined, nodeEnv: 'development', dataDir };
    const logger = recordingLogger();
    const first = await resolveJwtSecret(config, logger);
    assert.match(first, /^[A-Za-z0-9_-]{64}$/); // 48 bytes, base64url
    const path = join(dataDir, JWT_SECRET_FILE);
    assert.equal((await readFile(path, 'utf8')).trim(), first);
    if (process.platform !== 'win32') assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(logger.warnings.length, 1);
    assert.match(logger.warnings[0]?.msg ?? '', /generated secret/);
    assert.ok(!JSON.stringify(logger.warnings).includes(first), 'the secret itself is never logged');

    const second = await resolveJwtSecret(config, logger);
    assert.equal(second, first);
  });

  test('concurrent first runs agree on one secret', async () => {
    const config: SecretConfig = { jwtSecret: undefined, nodeEnv: 'test', dataDir };
    const logger = recordingLogger();
    const secrets = await Promise.all([1, 2, 3, 4].map(() => resolveJwtSecret(config, logger)));
    assert.equal(new Set(secrets).size, 1);
  });

  test('production refuses to run without JWT_SECRET', async () => {
    const config: SecretConfig = { jwtSecret: undefined, nodeEnv: 'production', dataDir };
    await assert.rejects(resolveJwtSecret(config, recordingLogger()), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /JWT_SECRET: is required when NODE_ENV=production/);
      return true;
    });
    await assert.rejects(stat(join(dataDir, JWT_SECRET_FILE)), { code: 'ENOENT' });
  });

  test('a kept secret that is too short is an error, not silently used', async () => {
    const config: SecretConfig = { jwtSecret: undefined, nodeEnv: 'development', dataDir };
    await resolveJwtSecret(config, recordingLogger());
    await writeFile(join(dataDir, JWT_SECRET_FILE), 'short\n');
    await assert.rejects(resolveJwtSecret(config, recordingLogger()), /JWT_SECRET: .*fewer than 32 characters/);
  });
});
