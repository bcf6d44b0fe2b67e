/** The open room or conversation: its header, messages, who is typing, and the composer. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeTyping } from '../../../src/client/typing-tracker.js';
import { MAX_TEXT_LENGTH as MAX_TEXT } from '../../../src/protocol/limits.js';
import type { ChatStore, RoomEntry } from '../chat-store.js';
import { PRESENCE_LABELS } from '../presence-state.js';
import { MuteButton } from '../notifications/NotificationControls.js';
import { Avatar, PresenceDot } from './Avatar.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { LockIcon, UsersIcon } from './icons.js';
import { MessageList } from './MessageList.js';
import { MissingRoom } from './MissingRoom.js';
import type { DialogKind } from './Sidebar.js';

/**
 * "Sending too fast": the server's rate limit holds this room's messages; they go out on their
 * own, the next one in the seconds shown.
 */
function PacingNotice({ store, room }: { readonly store: ChatStore; readonly room: string }) {
  const until = store.pacedUntil(room);
  const [, tick] = useState(0);
  useEffect(() => {
    if (until === undefined) return undefined;
    const timer = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [until]);
  const seconds = until === undefined ? 0 : Math.ceil((until - Date.now()) / 1000);
  // The live region holds a sentence that does not change while the wait lasts, so a screen
  // reader says it once; the countdown beside it is for the eyes only.
  return (
    <div class={seconds > 0 ? 'pacing-line pacing-line-active' : 'pacing-line'}>
      <span role="status" aria-live="polite">
        {seconds > 0 && 'Sending too fast: your messages are queued and will be sent in order.'}
      </span>
      {seconds > 0 && <span aria-hidden="true"> The next one goes in {seconds} s.</span>}
    </div>
  );
}

function Composer({ store, entry }: { readonly store: ChatStore; readonly entry: RoomEntry }) {
  // Each room keeps its own draft (switching rooms or reloading never loses what was typed);
  // the composer is mounted afresh for each room.
  const [draft, setDraftState] = useState(() => store.drafts.get(entry.room));
  const input = useRef<HTMLTextAreaElement>(null);
  const label = entry.visibility === 'dm' ? `Message ${store.title(entry.room)}` : `Message #${entry.room}`;
  const setDraft = (text: string): void => {
    setDraftState(text);
    store.drafts.set(entry.room, text);
  };

  useEffect(() => {
    input.current?.focus();
  }, []);

  useEffect(() => {
    // Grow with the text, up to the stylesheet's max-height.
    const el = input.current;
    if (el === null) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [draft]);

  const send = (): void => {
    const text = draft.trim();
    if (text.length === 0 || text.length > MAX_TEXT) return;
    store.send(text);
    setDraft('');
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for="composer-input">
        {label}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={1}
        placeholder={label}
        value={draft}
        maxLength={MAX_TEXT}
        onInput={(event) => {
          setDraft(event.currentTarget.value);
          if (event.currentTarget.value.length > 0) store.typed();
          else store.stoppedTyping();
        }}
        onBlur={() => store.stoppedTyping()}
        onKeyDown={(event) => {
          // Enter sends; Shift+Enter is a new line; an IME composition keeps its Enter.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="send-button" aria-label="Send message" disabled={draft.trim().length === 0}>
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20.5 21 12 3 3.5v6.6l12 1.9-12 1.9z" fill="currentColor" />
        </svg>
      </button>
    </form>
  );
}

export interface ConversationProps {
  readonly store: ChatStore;
  readonly entry: RoomEntry;
  readonly onBack: () => void;
  readonly onDialog: (kind: DialogKind) => void;
}

export function Conversation({ store, entry, onBack, onDialog }: ConversationProps) {
  const partner = store.dmPartner(entry.room);
  const members = entry.members ?? [];
  const online = members.filter((m) => m.status === 'online').length;
  const typing = describeTyping(entry.typing);
  const [joining, setJoining] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  if (!entry.member && store.missing.has(entry.room)) return <MissingRoom store={store} room={entry.room} onBack={onBack} />;

  return (
    <section class="conversation" aria-label={partner !== undefined ? `Conversation with ${partner}` : `Room ${entry.room}`}>
      <header class="conversation-header">
        <button type="button" class="icon-button back-button" aria-label="Back to rooms" onClick={onBack}>
          ‹
        </button>
        {partner !== undefined ? <Avatar name={partner} presence={store.presenceState(partner)} /> : <span class="room-hash big" aria-hidden="true">{entry.visibility === 'private' ? <LockIcon /> : '#'}</span>}
        <div class="conversation-title">
          <h1>{partner ?? entry.room}</h1>
          {partner !== undefined ? (
            <span class="subtitle">
              <PresenceDot status={store.presenceState(partner)} /> {PRESENCE_LABELS[store.presenceState(partner)]}
            </span>
          ) : (
            <button type="button" class="subtitle link-button" onClick={() => onDialog('members')} aria-label={`${members.length} members, ${online} online: show members`}>
              {members.length} member{members.length === 1 ? '' : 's'} · {online} online
            </button>
          )}
        </div>
        <div class="conversation-actions">
          {entry.member && <MuteButton store={store} room={entry.room} name={partner ?? `#${entry.room}`} />}
          {partner === undefined && (
            <button type="button" class="icon-button" aria-label="Show members" title="Members" onClick={() => onDialog('members')}>
              <UsersIcon />
            </button>
          )}
          {entry.visibility === 'private' && entry.member && (
            <button type="button" class="ghost" onClick={() => onDialog('invite')}>
              Invite
            </button>
          )}
          {partner === undefined && entry.member && (
            // Leaving a private room cannot be undone alone (it takes an invitation to come
            // back): it is confirmed. A public room can be joined again at any time.
            <button type="button" class="ghost" onClick={() => (entry.visibility === 'private' ? setConfirmLeave(true) : void store.leave(entry.room))}>
              Leave
            </button>
          )}
          {partner !== undefined && entry.member && (
            // A conversation cannot be left (it always reaches both): it can be put away until
            // something new is said in it.
            <button
              type="button"
              class="ghost"
              onClick={() => store.hide(entry.room)}
              aria-label={`Hide conversation with ${partner}`}
              title="Hide until a new message arrives"
            >
              Hide
            </button>
          )}
        </div>
      </header>
      {confirmLeave && (
        <ConfirmDialog title={`Leave #${entry.room}?`} confirmLabel={`Leave #${entry.room}`} danger onConfirm={() => store.leave(entry.room)} onClose={() => setConfirmLeave(false)}>
          <p>#{entry.room} is private: to come back, a member will have to invite you again.</p>
        </ConfirmDialog>
      )}
      <MessageList store={store} entry={entry} />
      <div class="typing-line" aria-live="polite">
        {typing !== '' && (
          <>
            <span class="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {typing}
          </>
        )}
      </div>
      <PacingNotice store={store} room={entry.room} />
      {entry.member || partner !== undefined ? (
        // Keyed by room: each room's composer starts from that room's draft.
        <Composer key={entry.room} store={store} entry={entry} />
      ) : (
        <div class="join-bar">
          <span>You are viewing #{entry.room}.</span>
          <button
            type="button"
            class="primary"
            disabled={joining}
            onClick={() => {
              setJoining(true);
              store.join(entry.room).finally(() => setJoining(false));
            }}
          >
            Join #{entry.room}
          </button>
        </div>
      )}
    </section>
  );
}
