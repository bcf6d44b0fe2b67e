/** The app: the sign-in screen, or the chat (sidebar, conversation, banner, dialogs). */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ChatStore } from '../chat-store.js';
import { useNotificationCenter } from '../notifications/use-notifications.js';
import { clearSession, loadSession, signOut, type StoredSession } from '../session.js';
import { AuthScreen } from './AuthScreen.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Conversation } from './Conversation.js';
import { BrowseDialog, InviteDialog, MembersDialog, NewDirectDialog, NewRoomDialog } from './dialogs.js';
import { useStore } from './hooks.js';
import { serverPeopleSearch } from '../people.js';
import { QuickSwitcher, useRecentRooms } from './QuickSwitcher.js';
import { openAdjacentRoom, useShortcuts } from './shortcuts.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { ProfileCardHost } from './ProfileCard.js';
import { Sidebar, type DialogKind } from './Sidebar.js';

/** The open room lives in the URL (`#/r/general`), so a reload reopens it. */
function roomFromHash(): string | undefined {
  const match = /^#\/r\/(.+)$/.exec(location.hash);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

function Chat({ session, onSignedOut }: { readonly session: StoredSession; readonly onSignedOut: (reason?: string) => void }) {
  const store = useMemo(() => new ChatStore(session), [session]);
  useStore(store);
  const [dialog, setDialog] = useState<DialogKind | undefined>(undefined);
  const closeDialog = useCallback(() => setDialog(undefined), []);
  const recent = useRecentRooms(store);
  // The switcher finds people by name on the server too, not only those the store has met.
  const searchPeople = useMemo(() => serverPeopleSearch((prefix, limit) => store.searchUsers(prefix, limit)), [store]);
  useShortcuts({
    // Ctrl+K / ⌘K opens the switcher, or closes it; it does not replace another open dialog.
    quickSwitch: () => setDialog((open) => (open === 'switcher' ? undefined : (open ?? 'switcher'))),
    cycle: (direction, unreadOnly) => void openAdjacentRoom(store, direction, unreadOnly),
    help: () => setDialog('shortcuts'),
    markAllRead: () => void store.markAllRead(),
  });
  // Do not disturb silences sounds and desktop notifications (the badges still count).
  const notifications = useNotificationCenter(store, { open: (room) => void store.open(room), quiet: () => store.availability === 'dnd' });

  useEffect(() => {
    store.start();
    const openFromAddress = (room: string): void => {
      void store.open(room).then(() => {
        // A refused address (a conversation with nobody of that name) leaves the room that
        // was on screen: the address shows that room again, so a reload does not repeat it.
        if (store.active !== room) history.replaceState(null, '', store.active === undefined ? '#/' : `#/r/${encodeURIComponent(store.active)}`);
      });
    };
    const room = roomFromHash();
    if (room !== undefined) openFromAddress(room);
    const onHash = (): void => {
      const next = roomFromHash();
      if (next !== undefined && next !== store.active) openFromAddress(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      store.stop();
    };
  }, [store]);

  useEffect(() => {
    if (store.signedOut === undefined) return;
    // The login is gone on the server: forget it here too.
    clearSession();
    onSignedOut(store.signedOut);
  }, [store.signedOut, onSignedOut]);

  const open = (room: string): void => void store.open(room);
  const back = (): void => store.closeRoom();
  const active = store.active === undefined ? undefined : store.rooms.get(store.active);

  // The URL follows the open room, whoever changed it (a click, a dialog, or the store moving
  // away from a room that was left or hidden). Only a change is written: a new address typed or
  // followed meanwhile is the hashchange listener's to read, not to be overwritten.
  const shownRoom = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (store.active !== shownRoom.current) {
      shownRoom.current = store.active;
      const hash = store.active === undefined ? '#/' : `#/r/${encodeURIComponent(store.active)}`;
      if (location.hash !== hash) history.replaceState(null, '', hash);
    }
    // Muted rooms are left out of the count (their badges stay quiet too).
    const unread = notifications.unreadTotal();
    document.title = unread > 0 ? `(${unread}) hubbub` : 'hubbub';
    notifications.showOnFavicon(unread);
  });

  return (
    <div class={`app${active !== undefined ? ' has-active' : ''}`}>
      <ConnectionBanner store={store} />
      <div class="layout">
        <Sidebar
          store={store}
          onOpen={open}
          onDialog={setDialog}
          onSignOut={() => {
            store.stop({ forgetUnsent: true });
            void signOut(session).then(() => onSignedOut());
          }}
        />
        <main class="main">
          {active !== undefined ? (
            <Conversation store={store} entry={active} onBack={back} onDialog={setDialog} />
          ) : (
            <div class="welcome-pane">
              <h1>Hi {store.me} 👋</h1>
              <p>Pick a room on the left, create one, or start a direct message.</p>
              <div class="welcome-actions">
                <button type="button" class="primary" onClick={() => setDialog('new-room')}>
                  Create a room
                </button>
                <button type="button" class="ghost" onClick={() => setDialog('browse')}>
                  Browse rooms
                </button>
                <button type="button" class="ghost" onClick={() => setDialog('new-dm')}>
                  New direct message
                </button>
              </div>
            </div>
          )}
        </main>
      </div>
      {store.notice !== undefined && (
        <div class="toast" role="alert">
          <span>{store.notice}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => store.dismissNotice()}>
            ×
          </button>
        </div>
      )}
      {dialog === 'new-room' && <NewRoomDialog store={store} onClose={closeDialog} />}
      {dialog === 'browse' && <BrowseDialog store={store} onClose={closeDialog} />}
      {dialog === 'new-dm' && <NewDirectDialog store={store} onClose={closeDialog} />}
      {dialog === 'invite' && active !== undefined && <InviteDialog store={store} room={active.room} onClose={closeDialog} />}
      {dialog === 'members' && active !== undefined && <MembersDialog store={store} room={active.room} onClose={closeDialog} />}
      {dialog === 'switcher' && <QuickSwitcher store={store} recent={recent} onClose={closeDialog} searchPeople={searchPeople} />}
      {dialog === 'shortcuts' && <ShortcutsDialog onClose={closeDialog} />}
      <ProfileCardHost store={store} />
    </div>
  );
}

export function App() {
  const [session, setSession] = useState<StoredSession | undefined>(() => loadSession());
  const [reason, setReason] = useState<string | undefined>(undefined);
  const onSignedOut = useCallback((why?: string) => {
    setReason(why);
    setSession(undefined);
  }, []);
  if (session === undefined) {
    return (
      <AuthScreen
        reason={reason}
        onSignedIn={(next) => {
          setReason(undefined);
          setSession(next);
        }}
      />
    );
  }
  return <Chat key={session.refreshToken} session={session} onSignedOut={onSignedOut} />;
}
