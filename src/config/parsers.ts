/**
 * zod schemas that turn one environment variable's text into a typed value. Their messages say
 * what is expected; `loadConfig` adds the key and the offending value.
 */
import { z } from 'zod';
import { parseDatabaseUrl } from './database-url.js';
import { KEY_PREFIX_PATTERN, redisDatabase } from './redis-prefix.js';

/** A whole number in `[min, max]`, written in decimal digits. */
export function integer(min: number, max: number): z.ZodType<number> {
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    // Number() alone would accept "1e3", "0x10" and "" — surprising in a config file.
    const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max}` });
      return z.NEVER;
    }
    return value;
  });
}

/** `true`/`false`/`1`/`0`, case-insensitively. */
export function boolean(): z.ZodType<boolean> {
  return z.string().transform((raw, ctx) => {
    const text = raw.trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    ctx.addIssue({ code: 'custom', message: 'must be true, false, 1 or 0' });
    return z.NEVER;
  });
}

/** One of a fixed set of words. */
export function oneOf<const T extends string>(values: readonly T[]): z.ZodType<T> {
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    const match = values.find((value) => value === text);
    if (match === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return match;
  });
}

/** Any non-blank text, trimmed. */
export function text(): z.ZodType<string> {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (value === '') {
      ctx.addIssue({ code: 'custom', message: 'must not be blank' });
      return z.NEVER;
    }
    return value;
  });
}

/** A secret of at least `minLength` characters; the message never repeats the value. */
export function secret(minLength: number): z.ZodType<string> {
  return z.string().transform((raw, ctx) => {
    if (raw.length < minLength) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${minLength} characters long (it has ${raw.length})` });
      return z.NEVER;
    }
    return raw;
  });
}

/** A `redis://` or `rediss://` URL; a database, when it names one, is a number (`/7`). */
export function redisUrl(): z.ZodType<string> {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (!/^rediss?:\/\/\S+$/i.test(value) || !URL.canParse(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a redis:// or rediss:// URL' });
      return z.NEVER;
    }
    // The default REDIS_PREFIX is derived from the database number: it must be the one ioredis selects.
    if (redisDatabase(value) === undefined) {
      ctx.addIssue({ code: 'custom', message: 'names a database that is not a number (expected e.g. redis://host:6379/7)' });
      return z.NEVER;
    }
    return value;
  });
}

/** A namespace for Redis channels and keys: 1 to 64 letters, digits or `_.:-`. */
export function redisPrefix(): z.ZodType<string> {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (!KEY_PREFIX_PATTERN.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be 1 to 64 letters, digits or _ . : -' });
      return z.NEVER;
    }
    return value;
  });
}

/** A file path, a `sqlite:` URL, a `postgres://` / `postgresql://` URL or a `mysql://` / `mariadb://` URL (the rules the store opens by). */
export function databaseUrl(): z.ZodType<string> {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    try {
      parseDatabaseUrl(value);
    } catch (error) {
      // parseDatabaseUrl's messages name only the scheme, never a password inside the URL.
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
    return value;
  });
}

/**
 * A comma-separated list of browser origins (`https://chat.example.com`), or `*` for any.
 * Blank means any, like unset, so that `ALLOWED_ORIGINS=` in a `.env` file does not lock the
 * web app out.
 */
export function origins(): z.ZodType<'*' | readonly string[]> {
  return z.string().transform((raw, ctx): '*' | readonly string[] => {
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0 || items.includes('*')) return '*';
    const normalized: string[] = [];
    for (const item of items) {
      // An origin is scheme://host[:port] and nothing more; browsers send URL.origin's form
      // (lower-case host, no default port), so that is what the allow-list keeps.
      const url = URL.canParse(item) ? new URL(item) : undefined;
      const isOrigin =
        url !== undefined &&
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.pathname === '/' &&
        url.search === '' &&
        url.hash === '' &&
        url.username === '' &&
        url.password === '';
      if (!isOrigin) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin like https://chat.example.com` });
        return z.NEVER;
      }
      normalized.push(url.origin);
    }
    return [...new Set(normalized)];
  });
}

/** `true`/`false`/`1`/`0`, or a comma-separated list of proxy addresses or CIDR ranges. */
export function trustProxy(): z.ZodType<boolean | readonly string[]> {
  return z.string().transform((raw, ctx): boolean | readonly string[] => {
    const text = raw.trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0' || text === '') return false;
    const items = text.split(',').map((item) => item.trim());
    if (items.some((item) => !/^[0-9a-f.:]+(\/\d{1,3})?$/.test(item))) {
      ctx.addIssue({ code: 'custom', message: 'must be true, false, 1, 0 or a comma-separated list of IP addresses or CIDR ranges' });
      return z.NEVER;
    }
    return items;
  });
}
