/**
 * Runs Lua scripts by hash once Redis has them. The first call of a script on a connection is an
 * `EVAL` (which also caches it in Redis); later ones are `EVALSHA`, so the script's text is not
 * sent with every call. Each call is one command: the order of calls is the order Redis runs
 * them in (a `NOSCRIPT` retry would break that, so there is none: the caller learns of it).
 */
import { createHash } from 'node:crypto';
import type { RedisScriptClient } from './redis-client.js';

export class LuaScripts {
  readonly #client: RedisScriptClient;
  readonly #sha1 = new Map<string, string>();
  /** Scripts known to be cached by the server of the current connection. */
  readonly #cached = new Set<string>();

  constructor(client: RedisScriptClient) {
    this.#client = client;
  }

  /** The connection was (re)established, perhaps to a server that never saw the scripts. */
  forget(): void {
    this.#cached.clear();
  }

  /**
   * Runs `script`. Rejects with Redis's `NOSCRIPT` error if the server dropped it meanwhile
   * (`SCRIPT FLUSH`, eviction); the next call sends the text again.
   */
  async run(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const sha1 = this.#hash(script);
    if (this.#cached.has(sha1)) {
      try {
        return await this.#client.evalsha(sha1, keys.length, ...keys, ...args);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) this.#cached.delete(sha1);
        throw error;
      }
    }
    const result = await this.#client.eval(script, keys.length, ...keys, ...args);
    this.#cached.add(sha1);
    return result;
  }

  #hash(script: string): string {
    let sha1 = this.#sha1.get(script);
    if (sha1 === undefined) {
      sha1 = createHash('sha1').update(script).digest('hex');
      this.#sha1.set(script, sha1);
    }
    return sha1;
  }
}
