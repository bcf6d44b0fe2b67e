/** Rooms and conversations, with unread badges and presence; the user's menu. */
import type { ChatStore, RoomEntry } from '../chat-store.js';
import { MutedMark, NotificationSettingsButton, useIsMuted } from '../notifications/NotificationControls.js';
import { Avatar } from './Avatar.js';
import { IS_MAC } from './shortcuts.js';
import { LockIcon, PlusIcon, SearchIcon, SignOutIcon } from './icons.js';
import { KeyboardIcon } from './ShortcutsDialog.js';
import { PRESENCE_LABELS } from '../presence-state.js';
import { StatusMenu } from './StatusMenu.js';

export type DialogKind = 'new-room' | 'browse' | 'new-dm' | 'invite' | 'members' | 'switcher' | 'shortcuts';

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
  const anyUnread = [...rooms, ...direct].some((entry) => entry.unread > 0 && entry.room !== store.active);
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
            <Avatar name={partner} presence={store.presenceState(partner)} small />
          ) : (
            <span class="room-hash" aria-hidden="true">
              {entry.visibility === 'private' ? <LockIcon /> : '#'}
            </span>
          )}
          <span class="room-name">{partner ?? entry.room}</span>
          {partner !== undefined && <span class="visually-hidden">({PRESENCE_LABELS[store.presenceState(partner)]})</span>}
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
        {/* The quick switcher for pointers and touch (the keyboard has Ctrl+K / ⌘K). */}
        <button type="button" class="jump-button" onClick={() => onDialog('switcher')} aria-keyshortcuts={IS_MAC ? 'Meta+K' : 'Control+K'}>
          <SearchIcon />
          <span>Jump to…</span>
          <kbd aria-hidden="true">{IS_MAC ? '⌘K' : 'Ctrl K'}</kbd>
        </button>
      </header>
      <div class="sidebar-scroll">
        {anyUnread && (
          <div class="mark-all-read">
            <button type="button" class="link-button" onClick={() => void store.markAllRead()} title="Mark all as read (Shift+Esc)">
              Mark all as read
            </button>
          </div>
        )}
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
        <StatusMenu store={store} />
        <NotificationSettingsButton store={store} />
        <button type="button" class="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => onDialog('shortcuts')}>
          <KeyboardIcon />
        </button>
        {/* An icon, like its neighbours: the footer is narrow and the user's name comes first. */}
        <button type="button" class="icon-button" aria-label="Sign out" title="Sign out" onClick={onSignOut}>
          <SignOutIcon />
        </button>
      </footer>
    </nav>
  );
}
