/**
 * The notification controls the views wire in: the Mute/Unmute button of a conversation header,
 * the muted mark of a sidebar entry, and the sidebar's button to the notification settings.
 */
import { useState } from 'preact/hooks';
import type { ChatStore } from '../chat-store.js';
import { Dialog } from '../ui/Dialog.js';
import type { DesktopPermission } from './desktop.js';
import type { NotificationCenter } from './notification-center.js';
import { useNotifications } from './use-notifications.js';
import './notifications.css';

function BellIcon({ off = false }: { readonly off?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z" />
      <path d="M10 20.5a2.2 2.2 0 0 0 4 0" />
      {off && <path d="M4 4l16 16" />}
    </svg>
  );
}

/** Mute or unmute `room` (`name` is how the room is shown: `#general`, `alice`). */
export function MuteButton({ store, room, name }: { readonly store: ChatStore; readonly room: string; readonly name: string }) {
  const center = useNotifications(store);
  if (center === undefined) return null;
  const muted = center.isMuted(room);
  return (
    <button
      type="button"
      class="ghost mute-button"
      // The label says what a click does (not aria-pressed as well: a toggle whose name also
      // flips reads as a double negative).
      data-muted={muted}
      aria-label={muted ? `Unmute ${name}` : `Mute ${name}`}
      title={muted ? 'Sounds, notifications and the unread count are back on' : 'No sound or notification; the unread count stays quiet'}
      onClick={() => center.setMuted(room, !muted)}
    >
      <BellIcon off={!muted} />
      <span>{muted ? 'Unmute' : 'Mute'}</span>
    </button>
  );
}

/** The sidebar's sign that a room is muted: an icon with a text alternative. */
export function MutedMark({ muted }: { readonly muted: boolean }) {
  if (!muted) return null;
  return (
    <span class="muted-mark" title="Muted">
      <BellIcon off />
      <span class="visually-hidden">(muted)</span>
    </span>
  );
}

/** True for a muted room, for views that style it quietly; always false outside a session. */
export function useIsMuted(store: ChatStore): (room: string) => boolean {
  const center = useNotifications(store);
  return (room) => center?.isMuted(room) ?? false;
}

/** The sidebar's bell: opens the notification settings. */
export function NotificationSettingsButton({ store }: { readonly store: ChatStore }) {
  const center = useNotifications(store);
  const [open, setOpen] = useState(false);
  if (center === undefined) return null;
  return (
    <>
      <button type="button" class="icon-button" aria-label="Notification settings" title="Notification settings" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <BellIcon />
      </button>
      {open && <NotificationSettingsDialog center={center} onClose={() => setOpen(false)} />}
    </>
  );
}

function desktopStatus(permission: DesktopPermission, on: boolean): string {
  switch (permission) {
    case 'unsupported':
      return 'This browser cannot show desktop notifications.';
    case 'denied':
      return 'Your browser blocks notifications from this site. To allow them, open the site settings (the icon left of the address bar), set Notifications to Allow, and reload the page.';
    case 'granted':
      return on ? 'On: a new direct message shows a notification while hubbub is in the background.' : 'Off. Your browser allows them: turn them on to see new direct messages while hubbub is in the background.';
    default:
      return 'Off. See new direct messages while hubbub is in the background: your browser will ask you to allow notifications.';
  }
}

function NotificationSettingsDialog({ center, onClose }: { readonly center: NotificationCenter; readonly onClose: () => void }) {
  const [asking, setAsking] = useState(false);
  const permission = center.permission();
  const desktopOn = center.prefs.desktop && permission === 'granted';
  return (
    <Dialog title="Notifications" onClose={onClose}>
      <div class="notify-settings">
        <label class="notify-toggle">
          <input type="checkbox" checked={center.prefs.sound} onChange={(event) => center.setSound(event.currentTarget.checked)} />
          <span>Play a sound for new direct messages</span>
        </label>
        <section class="notify-desktop" aria-labelledby="notify-desktop-title">
          <h3 id="notify-desktop-title">Desktop notifications</h3>
          <p class="notify-status" role="status" aria-live="polite" data-permission={permission}>
            {desktopStatus(permission, desktopOn)}
          </p>
          {permission !== 'unsupported' && permission !== 'denied' && (
            desktopOn ? (
              <button type="button" class="ghost" onClick={() => center.disableDesktop()}>
                Turn off desktop notifications
              </button>
            ) : (
              <button
                type="button"
                class="primary"
                disabled={asking}
                onClick={() => {
                  // Asked from this click only: browsers ignore (or hold against the site) a
                  // request made on their own.
                  setAsking(true);
                  void center.enableDesktop().finally(() => setAsking(false));
                }}
              >
                Enable desktop notifications
              </button>
            )
          )}
        </section>
        <p class="notify-hint">To silence one room or conversation, use Mute in its header.</p>
      </div>
    </Dialog>
  );
}
