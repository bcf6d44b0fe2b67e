/** The app's dialogs: create a room, browse public rooms, start a direct message, invite, members. */
import { useEffect, useState } from 'preact/hooks';
import { HubbubError } from '../../../src/client/errors.js';
import { ROOM_SLUG_PATTERN as ROOM_SLUG, USERNAME_PATTERN as USERNAME } from '../../../src/protocol/names.js';
import type { ChatStore } from '../chat-store.js';
import { PresenceDot } from './Avatar.js';
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

export function BrowseDialog({ store, onClose }: Props) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  useEffect(() => {
    void store.refreshRooms();
  }, [store]);
  const rooms = store.publicRoomsToJoin();
  const join = (room: string): void => {
    store
      .join(room)
      .then(onClose)
      .catch((failure: unknown) => setError(messageOf(failure)));
  };
  return (
    <Dialog title="Browse public rooms" onClose={onClose}>
      {rooms.length === 0 ? (
        <p class="empty-hint">You are in every public room. Create a new one!</p>
      ) : (
        <ul class="browse-list">
          {rooms.map((entry) => (
            <li key={entry.room}>
              <span class="room-hash" aria-hidden="true">
                #
              </span>
              <span class="room-name">{entry.room}</span>
              <span class="muted">{entry.lastSeq} messages</span>
              <button type="button" class="primary small" onClick={() => join(entry.room)} aria-label={`Join ${entry.room}`}>
                Join
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="dialog-form inline"
        onSubmit={(event) => {
          event.preventDefault();
          const slug = name.trim().toLowerCase();
          if (!ROOM_SLUG.test(slug)) {
            setError('Room names are lower-case letters, digits, - and _.');
            return;
          }
          join(slug);
        }}
      >
        <label class="field grow">
          <span>Join by name</span>
          <input name="room" value={name} placeholder="room-name" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Join
        </button>
      </form>
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

export function MembersDialog({ store, onClose, room }: Props & { readonly room: string }) {
  const members = [...(store.rooms.get(room)?.members ?? [])].sort((a, b) =>
    a.status === b.status ? a.username.localeCompare(b.username) : a.status === 'online' ? -1 : 1,
  );
  return (
    <Dialog title={`Members of #${room}`} onClose={onClose}>
      <ul class="member-list">
        {members.map((member) => (
          <li key={member.username}>
            <PresenceDot status={member.status} />
            <span>{member.username}</span>
            <span class="muted">{member.status}</span>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
