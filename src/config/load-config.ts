/** Turning the environment (and an optional `.env` file) into a validated `Config`. */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from './config.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { resolveDataDir } from './data-dir.js';
import { defaultKeyPrefix } from './redis-prefix.js';
import { parseDatabaseUrl } from './database-url.js';
import { deepFreeze } from './deep-freeze.js';
import { readEnvFile } from './env-file.js';
import { SETTINGS, type Setting, type SettingValues } from './settings.js';

/** Where `loadConfig` looks for files. */
export interface LoadConfigOptions {
  /** The env file to read, relative to `cwd`; default `.env`, which may be missing. `false` reads none. */
  readonly envFile?: string | false;
  /** The folder relative paths are resolved against; default `process.cwd()`. */
  readonly cwd?: string;
}

const FIELDS = Object.keys(SETTINGS) as (keyof SettingValues)[];

/**
 * Reads every setting from `env`, falling back to the `.env` file and then to the default
 * (real environment variables win over the file; a blank value counts as unset), validates
 * them all, and returns a deeply frozen `Config`. Throws `ConfigError` naming every bad key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const envFile = options.envFile === false ? undefined : resolve(cwd, options.envFile ?? '.env');
  const fileVars = envFile === undefined ? {} : readEnvFileOrThrow(envFile, options.envFile !== undefined);

  const raw: Record<string, string | undefined> = {};
  const fromFile = new Set<string>();
  const shape: Record<string, z.ZodType> = {};
  for (const field of FIELDS) {
    const setting: Setting<unknown> = SETTINGS[field];
    const real = blankToUndefined(env[setting.env]);
    const file = blankToUndefined(fileVars[setting.env]);
    if (real === undefined && file !== undefined) fromFile.add(setting.env);
    raw[setting.env] = real ?? file ?? setting.default;
    shape[setting.env] = setting.schema;
  }

  const result = z.object(shape).safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue): ConfigIssue => {
      const key = String(issue.path[0] ?? '?');
      return { key, message: issue.message + describeValue(key, raw[key], fromFile.has(key) ? envFile : undefined) };
    });
    throw new ConfigError(issues);
  }

  const values: Record<string, unknown> = {};
  for (const field of FIELDS) values[field] = result.data[SETTINGS[field].env];
  const parsed = values as unknown as SettingValues;
  const config: Config = {
    ...parsed,
    dataDir: resolveDataDir(parsed.dataDir, parsed.databaseUrl, cwd),
    redisPrefix: parsed.redisPrefix ?? defaultKeyPrefix(parsed.redisUrl),
  };
  checkCombination(config);
  return deepFreeze(config);
}

/** Settings that are valid alone but not together. */
function checkCombination(config: Config): void {
  if (config.redisUrl !== undefined && parseDatabaseUrl(config.databaseUrl).dialect === 'sqlite') {
    throw new ConfigError([
      {
        key: 'REDIS_URL',
        message:
          'is set, which runs several nodes, but DATABASE_URL is SQLite, which only one process can serve: use a postgres:// or mysql:// DATABASE_URL, or unset REDIS_URL for a single node',
      },
    ]);
  }
}

function readEnvFileOrThrow(path: string, required: boolean): Record<string, string> {
  try {
    return readEnvFile(path, required);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError([{ key: path, message: `cannot read the env file (${reason})` }]);
  }
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** ` (got "abc")`, or nothing for secrets, whose values must not reach logs. */
function describeValue(key: string, value: string | undefined, file: string | undefined): string {
  const setting = Object.values(SETTINGS).find((candidate: Setting<unknown>) => candidate.env === key);
  if (setting === undefined || setting.secret === true || value === undefined) return file === undefined ? '' : ` (from ${file})`;
  return ` (got ${JSON.stringify(value)}${file === undefined ? '' : ` from ${file}`})`;
}
