/**
 * The page of a room that does not exist (a link or an address with a typo): it says so,
 * suggests public rooms with similar names, and offers to create the room, after a
 * confirmation. Joining would have created it, public for everyone, without a word.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DirectoryRoom } from '../../../src/client/http-client.js';
import type { ChatStore } from '../chat-store.js';
import { CreateRoomConfirm } from './CreateRoomConfirm.js';
import './missing-room.css';

/** Suggestions shown at most. */
const SUGGESTIONS = 5;

/**
 * The part of a mistyped name to search the directory for: its first half (at least two
 * characters), where a typo is less likely than at the end.
 */
export function similarPrefix(room: string): string {
  return room.slice(0, Math.max(2, Math.ceil(room.length / 2)));
}

/** Rooms that start with `prefix` first, then those that contain it; by key within each. */
function rank(rooms: readonly DirectoryRoom[], prefix: string): DirectoryRoom[] {
  const starts = (room: DirectoryRoom): number => (room.room.startsWith(prefix) ? 0 : 1);
  return [...rooms].sort((a, b) => starts(a) - starts(b) || a.room.localeCompare(b.room));
}

export interface MissingRoomProps {
  readonly store: ChatStore;
  readonly room: string;
  readonly onBack: () => void;
}

export function MissingRoom({ store, room, onBack }: MissingRoomProps) {
  const [similar, setSimilar] = useState<DirectoryRoom[] | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    let current = true;
    setSimilar(undefined);
    const prefix = similarPrefix(room);
    store
      .directory({ q: prefix, limit: 20 })
      .then((page) => current && setSimilar(rank(page.rooms, prefix).slice(0, SUGGESTIONS)))
      .catch(() => current && setSimilar([]));
    return () => {
      current = false;
    };
  }, [store, room]);

  return (
    <section class="conversation missing-room" aria-label={`Room ${room}`}>
      <header class="conversation-header">
        <button type="button" class="icon-button back-button" aria-label="Back to rooms" onClick={onBack}>
          ‹
        </button>
        <span class="room-hash big" aria-hidden="true">
          #
        </span>
        <div class="conversation-title">
          <h1>{room}</h1>
        </div>
      </header>
      <div class="missing-room-body">
        <h2>#{room} does not exist</h2>
        {similar === undefined ? (
          <p class="muted">Looking for rooms with similar names…</p>
        ) : similar.length === 0 ? (
          <p>No public room has a similar name. Check the address, or create the room.</p>
        ) : (
          <>
            <p>Did you mean one of these?</p>
            <ul class="missing-room-list" aria-label="Rooms with similar names">
              {similar.map((entry) => (
                <li key={entry.room}>
                  <a href={`#/r/${encodeURIComponent(entry.room)}`}>#{entry.room}</a>
                  <span class="muted">
                    {entry.members} member{entry.members === 1 ? '' : 's'}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
        <div>
          <button type="button" class="ghost" onClick={() => setConfirming(true)}>
            Create #{room}
          </button>
        </div>
      </div>
      {confirming && <CreateRoomConfirm store={store} room={room} onCreated={() => setConfirming(false)} onCancel={() => setConfirming(false)} />}
    </section>
  );
}
