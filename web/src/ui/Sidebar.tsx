/** Rooms and conversations, with unread badges and presence; the user's menu. */
import type { ChatStore, RoomEntry } from '../chat-store.js';
import { MutedMark, NotificationSettingsButton, useIsMuted } from '../notifications/NotificationControls.js';
import { Avatar } from './Avatar.js';
import { LockIcon, PlusIcon, SearchIcon } from './icons.js';

export type DialogKind = 'new-room' | 'browse' | 'new-dm' | 'invite' | 'members';

export interface SidebarProps {
  readonly store: ChatStore;
  readonly onOpen: (room: string) => void;
  readonly onDialog: (kind: DialogKind) => void;
  readonly onSignOut: () => void;
}

function Badge({ count, quiet = false }: { readonly count: number; readonly quiet?: boolean }) {
  if (count <= 0) return null;
  return (
    <span class={quiet ? 'badge badge-quiet' : 'badge'} aria-label={`${count} unread`}>
      {count > 99 ? '99+' : count}
    </span>
  );
}

export function Sidebar({ store, onOpen, onDialog, onSignOut }: SidebarProps) {
  const { rooms, direct } = store.myRooms();
  const isMuted = useIsMuted(store);
  const item = (entry: RoomEntry) => {
    const partner = store.dmPartner(entry.room);
    const active = store.active === entry.room;
    const unread = active ? 0 : entry.unread;
    const muted = isMuted(entry.room);
    return (
      <li key={entry.room}>
        <button
          type="button"
          class={`room-link${active ? ' active' : ''}${unread > 0 && !muted ? ' unread' : ''}`}
          aria-current={active ? 'page' : undefined}
          onClick={() => onOpen(entry.room)}
          data-room={entry.room}
        >
          {partner !== undefined ? (
            <Avatar name={partner} presence={store.presenceOf(partner)} small />
          ) : (
            <span class="room-hash" aria-hidden="true">
              {entry.visibility === 'private' ? <LockIcon /> : '#'}
            </span>
          )}
          <span class="room-name">{partner ?? entry.room}</span>
          {partner !== undefined && <span class="visually-hidden">({store.presenceOf(partner)})</span>}
          <MutedMark muted={muted} />
          <Badge count={unread} quiet={muted} />
        </button>
      </li>
    );
  };

  return (
    <nav class="sidebar" aria-label="Rooms and conversations">
      <header class="sidebar-header">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            h
          </span>
          hubbub
        </div>
      </header>
      <div class="sidebar-scroll">
        <section>
          <div class="section-head">
            <h2>Rooms</h2>
            <button type="button" class="icon-button" aria-label="Browse public rooms" title="Browse public rooms" onClick={() => onDialog('browse')}>
              <SearchIcon />
            </button>
            <button type="button" class="icon-button" aria-label="Create a room" title="Create a room" onClick={() => onDialog('new-room')}>
              <PlusIcon />
            </button>
          </div>
          {rooms.length === 0 ? <p class="empty-hint">No rooms yet. Create one or browse.</p> : <ul class="room-list">{rooms.map(item)}</ul>}
        </section>
        <section>
          <div class="section-head">
            <h2>Direct messages</h2>
            <button type="button" class="icon-button" aria-label="Start a direct message" title="Start a direct message" onClick={() => onDialog('new-dm')}>
              <PlusIcon />
            </button>
          </div>
          {direct.length === 0 ? <p class="empty-hint">No conversations yet.</p> : <ul class="room-list">{direct.map(item)}</ul>}
        </section>
      </div>
      <footer class="sidebar-footer">
        <Avatar name={store.me} presence={store.connection.status === 'open' ? 'online' : 'offline'} small />
        <span class="me" title="Signed in as">
          {store.me}
        </span>
        <NotificationSettingsButton store={store} />
        <button type="button" class="ghost" onClick={onSignOut}>
          Sign out
        </button>
      </footer>
    </nav>
  );
}
