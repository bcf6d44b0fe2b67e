/** The typed HTTP half of the SDK: accounts, rooms and history over `/api`. */
import type { Message, User } from '../protocol/events.js';
import type { Availability } from '../protocol/availability.js';
import type { ActivityResponse, DirectoryPage, RoomSummary, SessionTokens, UserMatch, UserProfile } from '../protocol/http.js';
import { HubbubError } from './errors.js';

export interface HistoryPageQuery {
  readonly before?: number;
  readonly after?: number;
  readonly limit?: number;
}

/**
 * A window of a room's activity (`GET /api/rooms/:room/activity`): the joins and leaves placed
 * after messages `after < afterSeq < before`; `limit` 1–200 (the server's default is 100).
 */
export interface ActivityQuery {
  readonly after?: number;
  readonly before?: number;
  readonly limit?: number;
}

/** A page of a room's joins and leaves, and one of them (the protocol's types). */
export type { ActivityEntry, ActivityResponse } from '../protocol/http.js';

/** A query of the public room directory (`GET /api/rooms/directory`). */
export interface DirectoryQuery {
  /** A case-insensitive part of the room key; empty or absent lists every public room. */
  readonly q?: string;
  /** Rooms per page, 1–100 (the server's default is 50). */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly cursor?: string;
}

/** A public room as the directory lists it, and a page of them (the protocol's types). */
export type { DirectoryPage, DirectoryRoom } from '../protocol/http.js';
/** A user as a search lists one, and as a lookup by name describes one (the protocol's types). */
export type { UserMatch, UserProfile } from '../protocol/http.js';

export class HubbubHttp {
  readonly baseUrl: string;
  /** The access token sent as `Authorization: Bearer`; set by login/register/refresh. */
  accessToken: string | undefined;

  constructor(baseUrl: string, accessToken?: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.accessToken = accessToken;
  }

  register(username: string, password: string): Promise<SessionTokens> {
    return this.#session('/api/auth/register', { username, password });
  }

  login(username: string, password: string): Promise<SessionTokens> {
    return this.#session('/api/auth/login', { username, password });
  }

  refresh(refreshToken: string): Promise<SessionTokens> {
    return this.#session('/api/auth/refresh', { refreshToken });
  }

  async logout(refreshToken: string): Promise<void> {
    await this.request('POST', '/api/auth/logout', { refreshToken });
  }

  async me(): Promise<User> {
    return ((await this.request('GET', '/api/me')) as { user: User }).user;
  }

  /** The caller's own rooms and conversations, with unread counts. */
  async rooms(): Promise<RoomSummary[]> {
    return ((await this.request('GET', '/api/rooms')) as { rooms: RoomSummary[] }).rooms;
  }

  /** A page of the public rooms, whether the caller is in them or not (`q` filters by name). */
  async directory(query: DirectoryQuery = {}): Promise<DirectoryPage> {
    const params = new URLSearchParams();
    if (query.q !== undefined && query.q !== '') params.set('q', query.q);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    const qs = params.size > 0 ? `?${params.toString()}` : '';
    return (await this.request('GET', `/api/rooms/directory${qs}`)) as DirectoryPage;
  }

  /**
   * Users whose name starts with `q` (any letter case, taken literally; 1–32 characters), by
   * name, at most `limit` (1–50; the server's default is 10): for autocompletion.
   */
  async searchUsers(q: string, limit?: number): Promise<UserMatch[]> {
    const params = new URLSearchParams({ q });
    if (limit !== undefined) params.set('limit', String(limit));
    return ((await this.request('GET', `/api/users?${params.toString()}`)) as { users: UserMatch[] }).users;
  }

  async createRoom(room: string, visibility: 'public' | 'private' = 'public'): Promise<RoomSummary> {
    return ((await this.request('POST', '/api/rooms', { room, visibility })) as { room: RoomSummary }).room;
  }

  async invite(room: string, username: string): Promise<void> {
    await this.request('POST', `/api/rooms/${encodeURIComponent(room)}/members`, { username });
  }

  /** The room's members with their presence (and availability, when online). */
  async members(room: string): Promise<{ username: string; status: 'online' | 'offline'; availability?: Availability }[]> {
    const body = (await this.request('GET', `/api/rooms/${encodeURIComponent(room)}/members`)) as {
      members: { username: string; status: 'online' | 'offline'; availability?: Availability }[];
    };
    return body.members;
  }

  /**
   * A user's profile card (any letter case finds them): presence, availability while online,
   * last seen while offline; rejects with `not_found` when there is no such user.
   */
  async user(username: string): Promise<UserProfile> {
    return ((await this.request('GET', `/api/users/${encodeURIComponent(username)}`)) as { user: UserProfile }).user;
  }

  async messages(room: string, query: HistoryPageQuery = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const qs = params.size > 0 ? `?${params.toString()}` : '';
    return (await this.request('GET', `/api/rooms/${encodeURIComponent(room)}/messages${qs}`)) as {
      messages: Message[];
      hasMore: boolean;
    };
  }

  /** A room's joins and leaves in a window of its messages, in conversation order. */
  async activity(room: string, query: ActivityQuery = {}): Promise<ActivityResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const qs = params.size > 0 ? `?${params.toString()}` : '';
    return (await this.request('GET', `/api/rooms/${encodeURIComponent(room)}/activity${qs}`)) as ActivityResponse;
  }

  /** A raw call; resolves with the parsed body (undefined for 204), rejects with HubbubError. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.accessToken !== undefined) headers.authorization = `Bearer ${this.accessToken}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined;
    const text = await response.text();
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      throw new HubbubError(error?.code ?? 'internal', error?.message ?? response.statusText, response.status, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    return parsed;
  }

  async #session(path: string, body: unknown): Promise<SessionTokens> {
    const tokens = (await this.request('POST', path, body)) as SessionTokens;
    this.accessToken = tokens.accessToken;
    return tokens;
  }
}
