/**
 * The servers a client may use: one load-balanced URL or several nodes, tried in turn. Each is
 * given as the HTTP base URL (`https://chat.example.com`); the WebSocket URL is derived from it.
 */

/** `http(s)://host[/prefix]` → `ws(s)://host[/prefix]/ws`. A `ws(s)://…/ws` URL passes through. */
export function webSocketUrlOf(baseUrl: string): string {
  if (/^wss?:\/\//i.test(baseUrl)) return baseUrl;
  return `${baseUrl.replace(/\/$/, '').replace(/^http/i, 'ws')}/ws`;
}

/** The HTTP base of a URL given either way (`ws://host/ws` → `http://host`). */
export function httpUrlOf(url: string): string {
  if (!/^wss?:\/\//i.test(url)) return url.replace(/\/$/, '');
  return url.replace(/^ws/i, 'http').replace(/\/ws\/?$/, '');
}

/** A ring of server URLs: `current` until `rotate()` moves to the next (after a failure). */
export class Endpoints {
  readonly urls: readonly string[];
  #index = 0;

  constructor(urls: string | readonly string[]) {
    const list = (typeof urls === 'string' ? [urls] : [...urls]).map(httpUrlOf);
    if (list.length === 0) throw new Error('at least one server URL is required');
    this.urls = Object.freeze(list);
  }

  get current(): string {
    return this.urls[this.#index % this.urls.length]!;
  }

  rotate(): string {
    this.#index = (this.#index + 1) % this.urls.length;
    return this.current;
  }
}
