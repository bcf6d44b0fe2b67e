/** The app's dialogs: create a room, browse the room directory, start a direct message, invite, members. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { HubbubError } from '../../../src/client/errors.js';
import type { DirectoryRoom } from '../../../src/client/http-client.js';
import { ROOM_SLUG_PATTERN as ROOM_SLUG, USERNAME_PATTERN as USERNAME } from '../../../src/protocol/names.js';
import type { ChatStore } from '../chat-store.js';
import { PresenceDot } from './Avatar.js';
import { PRESENCE_LABELS } from '../presence-state.js';
import { ProfileButton } from './ProfileCard.js';
import { Dialog } from './Dialog.js';

function messageOf(error: unknown): string {
  if (error instanceof HubbubError) {
    if (error.code === 'conflict') return 'A room with that name exists already.';
    if (error.code === 'not_found') return 'No such user or room.';
    if (error.code === 'forbidden') return 'You are not allowed to do that here.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A one-field form with an error line; `run` resolves to close the dialog. */
function useSubmit(run: () => Promise<void>, onClose: () => void): { busy: boolean; error: string | undefined; submit: (event: Event) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (event: Event): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    run()
      .then(onClose)
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setBusy(false));
  };
  return { busy, error, submit };
}

interface Props {
  readonly store: ChatStore;
  readonly onClose: () => void;
}

export function NewRoomDialog({ store, onClose }: Props) {
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const { busy, error, submit } = useSubmit(async () => {
    const slug = name.trim().toLowerCase();
    if (!ROOM_SLUG.test(slug)) throw new Error('Room names are lower-case letters, digits, - and _ (up to 64).');
    await store.createRoom(slug, visibility);
  }, onClose);
  return (
    <Dialog title="Create a room" onClose={onClose}>
      <form onSubmit={submit} class="dialog-form">
        <label class="field">
          <span>Room name</span>
          <input name="room" value={name} autoFocus required placeholder="e.g. design-review" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <fieldset class="choice">
          <legend>Who can join</legend>
          <label>
            <input type="radio" name="visibility" checked={visibility === 'public'} onChange={() => setVisibility('public')} /> Public — anyone can find and join it
          </label>
          <label>
            <input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => setVisibility('private')} /> Private — members invite others
          </label>
        </fieldset>
        {error !== undefined && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create room
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Rooms per directory page. */
const DIRECTORY_PAGE = 20;
/** How long typing must pause before the directory is searched. */
const SEARCH_DELAY_MS = 250;

/**
 * The public room directory: searched as the user types (after a pause), a page at a time
 * ("More rooms"), joined (or opened, for rooms the user is in) from the list.
 */
export function BrowseDialog({ store, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [rooms, setRooms] = useState<DirectoryRoom[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [searching, setSearching] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Bumped by every new search: answers to an older one are dropped. */
  const generation = useRef(0);
  /** After "More rooms", the row to move focus to (the button may go away with the last page). */
  const focusRow = useRef<number | undefined>(undefined);
  const list = useRef<HTMLUListElement>(null);
  const q = query.trim();

  useEffect(() => {
    const mine = ++generation.current;
    setSearching(true);
    const timer = window.setTimeout(
      () => {
        store
          .directory({ q, limit: DIRECTORY_PAGE })
          .then((page) => {
            if (generation.current !== mine) return;
            setRooms(page.rooms);
            setNext(page.next);
            setError(undefined);
          })
          .catch((failure: unknown) => {
            if (generation.current !== mine) return;
            setRooms([]);
            setNext(undefined);
            setError(messageOf(failure));
          })
          .finally(() => {
            if (generation.current === mine) setSearching(false);
          });
      },
      q === '' ? 0 : SEARCH_DELAY_MS,
    );
    return () => window.clearTimeout(timer);
  }, [store, q]);

  useEffect(() => {
    if (focusRow.current === undefined) return;
    list.current?.querySelectorAll('button')[focusRow.current]?.focus();
    focusRow.current = undefined;
  }, [rooms]);

  const more = (): void => {
    if (next === undefined || loadingMore) return;
    const mine = generation.current;
    setLoadingMore(true);
    store
      .directory({ q, limit: DIRECTORY_PAGE, cursor: next })
      .then((page) => {
        if (generation.current !== mine) return;
        focusRow.current = rooms.length;
        // A room created meanwhile can shift the pages: each room once.
        const seen = new Set(rooms.map((room) => room.room));
        setRooms([...rooms, ...page.rooms.filter((room) => !seen.has(room.room))]);
        setNext(page.next);
      })
      .catch((failure: unknown) => setError(messageOf(failure)))
      .finally(() => setLoadingMore(false));
  };
  const join = (room: string): void => {
    store
      .join(room)
      .then(onClose)
      .catch((failure: unknown) => setError(messageOf(failure)));
  };
  const open = (room: string): void => {
    void store.open(room);
    onClose();
  };

  const summary = searching
    ? 'Searching…'
    : error !== undefined
      ? ''
      : rooms.length === 0
        ? q === ''
          ? 'No public rooms yet. Create one!'
          : `No public room matches “${q}”.`
        : `${rooms.length}${next === undefined ? '' : '+'} public room${rooms.length === 1 ? '' : 's'}${q === '' ? '' : ` matching “${q}”`}`;

  return (
    <Dialog title="Browse public rooms" onClose={onClose}>
      <form role="search" class="dialog-form" onSubmit={(event) => event.preventDefault()}>
        <label class="field">
          <span>Search public rooms</span>
          <input
            type="search"
            name="q"
            value={query}
            autoFocus
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            placeholder="Part of a room name"
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
      </form>
      <p class="muted browse-status" role="status">
        {summary}
      </p>
      {rooms.length > 0 && (
        <ul class="browse-list" ref={list} aria-busy={searching}>
          {rooms.map((entry) => {
            const member = entry.member || store.rooms.get(entry.room)?.member === true;
            return (
              <li key={entry.room}>
                <span class="room-hash" aria-hidden="true">
                  #
                </span>
                <span class="room-name">{entry.room}</span>
                <span class="muted">
                  {entry.members} member{entry.members === 1 ? '' : 's'}
                </span>
                {member ? (
                  <button type="button" class="ghost small" onClick={() => open(entry.room)} aria-label={`Open ${entry.room}`}>
                    Open
                  </button>
                ) : (
                  <button type="button" class="primary small" onClick={() => join(entry.room)} aria-label={`Join ${entry.room}`}>
                    Join
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {next !== undefined && !searching && (
        <button type="button" class="ghost more-button" onClick={more} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'More rooms'}
        </button>
      )}
      {error !== undefined && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}

export function NewDirectDialog({ store, onClose }: Props) {
  const [username, setUsername] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const name = username.trim();
    if (!USERNAME.test(name)) throw new Error('Usernames are 3–32 characters: letters, digits, _ . -');
    await store.startDirect(name);
  }, onClose);
  return (
    <Dialog title="New direct message" onClose={onClose}>
      <form onSubmit={submit} class="dialog-form">
        <label class="field">
          <span>Username</span>
          <input name="username" value={username} autoFocus required autoCapitalize="off" spellcheck={false} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        {error !== undefined && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Start conversation
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function InviteDialog({ store, onClose, room }: Props & { readonly room: string }) {
  const [username, setUsername] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const name = username.trim();
    if (!USERNAME.test(name)) throw new Error('Usernames are 3–32 characters: letters, digits, _ . -');
    await store.invite(room, name);
  }, onClose);
  return (
    <Dialog title={`Invite to #${room}`} onClose={onClose}>
      <form onSubmit={submit} class="dialog-form">
        <label class="field">
          <span>Username to invite</span>
          <input name="username" value={username} autoFocus required autoCapitalize="off" spellcheck={false} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        {error !== undefined && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Invite
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Who is in a room, online first; "Message" opens the conversation with one of them. */
export function MembersDialog({ store, onClose, room }: Props & { readonly room: string }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const members = [...(store.rooms.get(room)?.members ?? [])].sort((a, b) =>
    a.status === b.status ? a.username.localeCompare(b.username) : a.status === 'online' ? -1 : 1,
  );
  const message = (username: string): void => {
    store
      .startDirect(username)
      .then(onClose)
      .catch((failure: unknown) => setError(messageOf(failure)));
  };
  return (
    <Dialog title={`Members of #${room}`} onClose={onClose}>
      <ul class="member-list">
        {members.map((member) => (
          <li key={member.username}>
            <PresenceDot status={store.presenceState(member.username)} />
            <ProfileButton username={member.username} class="member-name" afterMessage={onClose}>
              {member.username}
            </ProfileButton>
            <span class="muted">{PRESENCE_LABELS[store.presenceState(member.username)]}</span>
            {member.username.toLowerCase() !== store.me.toLowerCase() && (
              <button type="button" class="ghost small" onClick={() => message(member.username)} aria-label={`Message ${member.username}`}>
                Message
              </button>
            )}
          </li>
        ))}
      </ul>
      {error !== undefined && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
