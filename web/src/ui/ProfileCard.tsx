/**
 * A user's profile card: name, avatar, presence and availability, "Last seen 5 minutes ago"
 * for an offline user (the full date in a tooltip), and a "Message" button that opens the
 * direct conversation. Any view opens it with `showProfile(name)` from a `ProfileButton`; one
 * `ProfileCardHost` (in the app) shows it as a small modal dialog of its own, on top of any
 * dialog already open. Esc or Close closes it and gives focus back to what opened it.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { HubbubError } from '../../../src/client/errors.js';
import type { UserProfile } from '../../../src/protocol/http.js';
import type { ChatStore } from '../chat-store.js';
import { fullDateLabel, lastSeenLabel, PRESENCE_LABELS, presenceState, type PresenceState } from '../presence-state.js';
import { Avatar, PresenceDot } from './Avatar.js';
import './profile-card.css';

/** What a card was asked for: whose, and what to do after "Message" (close the dialog below). */
interface Request {
  readonly username: string;
  readonly afterMessage?: (() => void) | undefined;
  readonly opener: HTMLElement | null;
}

let show: ((request: Request) => void) | undefined;

/** Opens the card of `username` (nothing happens before the host is mounted). */
export function showProfile(username: string, options: { afterMessage?: () => void } = {}): void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  show?.({ username, afterMessage: options.afterMessage, opener });
}

/** A button that opens a user's card; `hidden` makes a mouse-only twin of one that is labelled. */
export function ProfileButton({
  username,
  class: className,
  hidden,
  afterMessage,
  children,
}: {
  readonly username: string;
  readonly class?: string;
  readonly hidden?: boolean;
  readonly afterMessage?: () => void;
  readonly children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={`profile-button${className === undefined ? '' : ` ${className}`}`}
      // The avatar twin of the author's name: one stop for the keyboard and screen readers.
      {...(hidden === true ? { tabIndex: -1, 'aria-hidden': 'true' } : { 'aria-haspopup': 'dialog', title: `Show ${username}’s profile` })}
      onClick={() => showProfile(username, { afterMessage })}
    >
      {children}
    </button>
  );
}

/** The one place cards are shown; mount it once in the app. */
export function ProfileCardHost({ store }: { readonly store: ChatStore }) {
  const [request, setRequest] = useState<Request | undefined>(undefined);
  useEffect(() => {
    show = setRequest;
    return () => {
      show = undefined;
    };
  }, []);
  if (request === undefined) return null;
  return (
    <ProfileCard
      key={request.username}
      store={store}
      request={request}
      onClose={(refocus) => {
        setRequest(undefined);
        if (refocus && request.opener?.isConnected === true) request.opener.focus();
      }}
    />
  );
}

function ProfileCard({ store, request, onClose }: { readonly store: ChatStore; readonly request: Request; readonly onClose: (refocus: boolean) => void }) {
  const { username } = request;
  const ref = useRef<HTMLDialogElement>(null);
  const [profile, setProfile] = useState<UserProfile | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const isMe = username.toLowerCase() === store.me.toLowerCase();
  // The native close first: what is under the card stops being inert, so focus can go back.
  const close = (refocus: boolean): void => {
    if (ref.current?.open === true) ref.current.close();
    onClose(refocus);
  };

  // Live presence when the app follows this user (we share a small room); else what the
  // server said when the card opened.
  const known = isMe || store.presence.has(username.toLowerCase());
  const state: PresenceState | undefined = known
    ? store.presenceState(username)
    : profile === undefined
      ? undefined
      : presenceState(profile.status, profile.availability);

  // Asked again when the user goes offline while the card is open: the new last-seen time.
  const offline = state === 'offline';
  useEffect(() => {
    let current = true;
    store.client
      .api((http) => http.user(username))
      .then((answer) => {
        if (current) setProfile(answer);
      })
      .catch((failure: unknown) => {
        if (current) setError(failure instanceof HubbubError && failure.code === 'not_found' ? 'No such user.' : 'Could not load the profile.');
      });
    return () => {
      current = false;
    };
  }, [store, username, offline]);

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const onCancel = (event: Event): void => {
      event.preventDefault();
      close(true);
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  });

  const message = (): void => {
    store
      .startDirect(username)
      .then(() => {
        close(false);
        request.afterMessage?.();
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };

  const seen = state === 'offline' && profile?.lastSeen !== undefined ? new Date(profile.lastSeen) : undefined;
  const titleId = 'profile-card-title';
  return (
    <dialog
      ref={ref}
      class="dialog profile-card"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          // This card only: a dialog underneath stays open.
          event.preventDefault();
          event.stopPropagation();
          close(true);
        }
      }}
      onClick={(event) => {
        if (event.target === ref.current) close(true);
      }}
    >
      <div class="dialog-body profile-body">
        <div class="profile-head">
          <Avatar name={username} presence={state} large />
          <div class="profile-who">
            <h2 id={titleId}>{profile?.username ?? username}</h2>
            {state !== undefined ? (
              <p class="profile-presence">
                <PresenceDot status={state} /> <span>{PRESENCE_LABELS[state]}</span>
              </p>
            ) : (
              error === undefined && <p class="profile-presence muted">Loading…</p>
            )}
            {seen !== undefined && (
              <p class="profile-seen">
                <time dateTime={seen.toISOString()} title={fullDateLabel(seen)}>
                  {lastSeenLabel(seen)}
                </time>
              </p>
            )}
          </div>
        </div>
        {error !== undefined && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={() => close(true)}>
            Close
          </button>
          {!isMe && (
            <button type="button" class="primary" onClick={message}>
              Message
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
