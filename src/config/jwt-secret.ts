/** The access-token signing secret: `JWT_SECRET`, or one generated once and kept on disk. */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Config } from './config.js';
import { ConfigError } from './config-error.js';

/** The file, inside the data folder, that keeps a generated secret. */
export const JWT_SECRET_FILE = 'jwt-secret';
/** Shorter secrets make HS256 brute-forceable; `JWT_SECRET` is held to the same bar. */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * The secret to sign access tokens with. `JWT_SECRET` when set. Otherwise, outside production,
 * the secret in `<dataDir>/jwt-secret`, generated (48 random bytes, base64url, mode 0600) the
 * first time, so tokens survive restarts; a warning says so, since several nodes need one
 * shared secret. In production an unset `JWT_SECRET` is a `ConfigError`.
 */
export async function resolveJwtSecret(
  config: Pick<Config, 'jwtSecret' | 'nodeEnv' | 'dataDir'>,
  logger: Pick<Logger, 'warn'>,
): Promise<string> {
  if (config.jwtSecret !== undefined) return config.jwtSecret;
  if (config.nodeEnv === 'production') {
    throw new ConfigError([{ key: 'JWT_SECRET', message: 'is required when NODE_ENV=production' }]);
  }
  const path = join(config.dataDir, JWT_SECRET_FILE);
  const secret = (await readSecretFile(path)) ?? (await createSecretFile(path));
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError([
      { key: 'JWT_SECRET', message: `is unset and ${path} holds fewer than ${MIN_JWT_SECRET_LENGTH} characters; delete the file to generate a new secret` },
    ]);
  }
  logger.warn(
    { path },
    'JWT_SECRET is not set: using a generated secret kept in the data folder; set JWT_SECRET in production and when running several nodes',
  );
  return secret;
}

async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function createSecretFile(path: string): Promise<string> {
  const secret = randomBytes(48).toString('base64url');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Write a private temporary file, then link it into place: the link appears complete or not
  // at all, and fails if another process got there first, whose secret then is the one.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readSecretFile(path)) ?? secret;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}
