/** The app's dialogs: create a room, browse the room directory, start a direct message, invite, members. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { HubbubError } from '../../../src/client/errors.js';
import type { DirectoryRoom } from '../../../src/client/http-client.js';
import { ROOM_SLUG_PATTERN as ROOM_SLUG, USERNAME_PATTERN as USERNAME } from '../../../src/protocol/names.js';
import type { ChatStore } from '../chat-store.js';
import { PresenceDot } from './Avatar.js';
import { CreateRoomConfirm } from './CreateRoomConfirm.js';
import { PRESENCE_LABELS } from '../presence-state.js';
import { ProfileButton } from './ProfileCard.js';
import { Dialog } from './Dialog.js';
import { UserPicker } from './UserPicker.js';

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
function useSubmit(run: () => Promise<void>, onClose: () => void): { busy: boolean; error: string | undefined; submit: (event: Event) => void; clearError: () => void } {
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
  return { busy, error, submit, clearError: () => setError(undefined) };
}

interface Props {
  readonly store: ChatStore;
  readonly onClose: () => void;
}

/** Creates a room by an explicit choice (no confirmation); a name that is taken is pointed out as it is typed. */
export function NewRoomDialog({ store, onClose }: Props) {
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [taken, setTaken] = useState<string | undefined>(undefined);
  const slug = name.trim().toLowerCase();
  const { busy, error, submit } = useSubmit(async () => {
    if (!ROOM_SLUG.test(slug)) throw new Error('Room names are lower-case letters, digits, - and _ (up to 64).');
    if (taken === slug) throw new Error('A room with that name exists already.');
    await store.createRoom(slug, visibility);
  }, onClose);
  useEffect(() => {
    setTaken(undefined);
    if (!ROOM_SLUG.test(slug)) return undefined;
    let current = true;
    const timer = window.setTimeout(() => {
      store
        .roomExists(slug)
        .then((exists) => current && setTaken(exists ? slug : undefined))
        .catch(() => {
          // Only a hint: creating the room still says so if it exists.
        });
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [store, slug]);
  return (
    <Dialog title="Create a room" onClose={onClose}>
      <form onSubmit={submit} class="dialog-form">
        <label class="field">
          <span>Room name</span>
          <input
            name="room"
            value={name}
            autoFocus
            required
            placeholder="e.g. design-review"
            aria-describedby="new-room-name-hint"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <p id="new-room-name-hint" class="muted name-hint" role="status">
          {taken !== undefined && taken === slug ? `#${taken} exists already: pick another name.` : ''}
        </p>
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
  /** A name the user asked to create from the search, waiting for their confirmation. */
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const createOffer = useRef<HTMLButtonElement>(null);
  const q = query.trim();
  const slug = q.toLowerCase();
  // A name no listed room has can be created, after a confirmation (a typo must not become a room).
  const canCreate = !searching && q !== '' && ROOM_SLUG.test(slug) && !rooms.some((room) => room.room === slug);

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
      {canCreate && error === undefined && (
        <button type="button" class="ghost create-offer" ref={createOffer} onClick={() => setConfirming(slug)}>
          Create #{slug}
        </button>
      )}
      {error !== undefined && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {confirming !== undefined && (
        <CreateRoomConfirm
          store={store}
          room={confirming}
          onCreated={onClose}
          onCancel={() => {
            setConfirming(undefined);
            createOffer.current?.focus();
          }}
        />
      )}
    </Dialog>
  );
}

/** Starts a conversation with someone who exists: the name is completed as it is typed, and checked. */
export function NewDirectDialog({ store, onClose }: Props) {
  const [username, setUsername] = useState('');
  const { busy, error, submit, clearError } = useSubmit(async () => {
    const name = username.trim();
    if (!USERNAME.test(name)) throw new Error('Usernames are 3–32 characters: letters, digits, _ . -');
    await store.startDirect(name);
  }, onClose);
  const me = store.me.toLowerCase();
  return (
    <Dialog title="New direct message" onClose={onClose}>
      <form onSubmit={submit} class="dialog-form">
        <UserPicker
          store={store}
          id="new-dm-username"
          label="Username"
          value={username}
          onInput={(value) => {
            setUsername(value);
            clearError();
          }}
          noteFor={(name) => (name.toLowerCase() === me ? 'you' : undefined)}
          error={error}
          autoFocus
        />
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

/** Adds someone who exists to a private room: the name is completed as it is typed, and checked. */
export function InviteDialog({ store, onClose, room }: Props & { readonly room: string }) {
  const [username, setUsername] = useState('');
  const { busy, error, submit, clearError } = useSubmit(async () => {
    const name = username.trim();
    if (!USERNAME.test(name)) throw new Error('Usernames are 3–32 characters: letters, digits, _ . -');
    await store.invite(room, name);
  }, onClose);
  const members = new Set((store.rooms.get(room)?.members ?? []).map((m) => m.username.toLowerCase()));
  return (
    <Dialog title={`Invite to #${room}`} onClose={onClose}>
      <form onSubmit={submit} class="dialog-form">
        <UserPicker
          store={store}
          id="invite-username"
          label="Username to invite"
          value={username}
          onInput={(value) => {
            setUsername(value);
            clearError();
          }}
          noteFor={(name) => (members.has(name.toLowerCase()) ? 'already a member' : undefined)}
          error={error}
          autoFocus
        />
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
