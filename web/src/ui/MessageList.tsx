/**
 * A room's messages: grouped by day and author, older pages loaded by scrolling up, a "new
 * messages" marker with a jump to it, read receipts, and my own messages pending or failed.
 * Message text is only ever rendered as text nodes (links through `linkify`).
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatStore, RoomEntry } from '../chat-store.js';
import { groupMessages, timeLabel, toView, type ViewMessage } from '../format.js';
import { linkify } from '../linkify.js';
import { ProfileButton } from './ProfileCard.js';
import { Avatar } from './Avatar.js';

function MessageText({ text }: { readonly text: string }) {
  return (
    <>
      {linkify(text).map((segment, i) =>
        segment.kind === 'link' ? (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </>
  );
}

interface MessageRowProps {
  readonly store: ChatStore;
  readonly message: ViewMessage;
  readonly seenBy: readonly string[] | undefined;
}

function MessageRow({ store, message, seenBy }: MessageRowProps) {
  return (
    <div class={`message message-${message.status}`} data-seq={message.seq} data-client-msg-id={message.clientMsgId}>
      <p class="message-text">
        <MessageText text={message.text} />
      </p>
      {message.status === 'pending' && (
        <span class="message-status" aria-label="sending">
          Sending…
        </span>
      )}
      {message.status === 'failed' && (
        <span class="message-status failed" role="alert">
          Not delivered.{' '}
          <button type="button" class="link-button" onClick={() => store.retry(message.clientMsgId)}>
            Retry
          </button>{' '}
          <button type="button" class="link-button" onClick={() => store.discard(message.clientMsgId)}>
            Discard
          </button>
        </span>
      )}
      {seenBy !== undefined && seenBy.length > 0 && <span class="seen-by">Seen by {seenBy.join(', ')}</span>}
    </div>
  );
}

export function MessageList({ store, entry }: { readonly store: ChatStore; readonly entry: RoomEntry }) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const positionedRoom = useRef<string | undefined>(undefined);
  const previous = useRef<{ room: string; first: number | undefined; height: number; count: number }>({ room: '', first: undefined, height: 0, count: 0 });
  const jumpPending = useRef(false);
  /** The key of the newest of my unsent messages at the last render. */
  const newestOwn = useRef<string | undefined>(undefined);
  const [newBelow, setNewBelow] = useState(false);
  const [markerVisible, setMarkerVisible] = useState(true);

  const stored = new Set(entry.messages.map((m) => m.clientMsgId));
  const mine = store.me.toLowerCase();
  const view: ViewMessage[] = [
    ...entry.messages.map(toView),
    ...store
      .outgoingIn(entry.room)
      .filter((o) => !stored.has(o.clientMsgId))
      .map((o): ViewMessage => ({ key: `o${o.clientMsgId}`, seq: undefined, from: store.me, text: o.text, ts: o.ts, status: o.status, clientMsgId: o.clientMsgId })),
  ];
  const items = groupMessages(view, entry.markerSeq);
  const seen = store.seenBy(entry);
  const markerLoaded = entry.markerSeq !== undefined && (entry.messages[0]?.seq ?? Infinity) <= entry.markerSeq + 1;
  const showJump = entry.markerSeq !== undefined && entry.markerSeq < entry.lastSeq && (!markerLoaded || !markerVisible);

  const checkMarker = (): void => {
    const el = scroller.current;
    const marker = el?.querySelector('.unread-marker');
    if (el === null || el === undefined || marker === null || marker === undefined) {
      setMarkerVisible(false);
      return;
    }
    const box = el.getBoundingClientRect();
    const at = marker.getBoundingClientRect();
    setMarkerVisible(at.bottom >= box.top && at.top <= box.bottom);
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    const first = entry.messages[0]?.seq;
    const before = previous.current;
    // A message I just wrote joins the end: take me to it, wherever I had scrolled.
    const last = view.at(-1);
    const own = last !== undefined && last.seq === undefined ? last.key : undefined;
    if (own !== undefined && own !== newestOwn.current && positionedRoom.current === entry.room) {
      atBottom.current = true;
      setNewBelow(false);
      store.setAtBottom(true);
    }
    newestOwn.current = own;
    if (positionedRoom.current !== entry.room) {
      atBottom.current = true;
      setNewBelow(false);
      if (entry.loaded) {
        // First view of the room: at the first unread message, or at the end.
        positionedRoom.current = entry.room;
        const marker = el.querySelector('.unread-marker');
        if (marker !== null) {
          el.scrollTop = (marker as HTMLElement).offsetTop - el.offsetTop - 40;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        } else {
          el.scrollTop = el.scrollHeight;
        }
        store.setAtBottom(atBottom.current);
      }
    } else if (before.room === entry.room && before.first !== undefined && first !== undefined && first < before.first) {
      // An older page was put on top: keep what the user was looking at in place.
      el.scrollTop += el.scrollHeight - before.height;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else if (view.length > before.count) {
      setNewBelow(true);
    }
    if (jumpPending.current) {
      const marker = el.querySelector('.unread-marker');
      if (marker !== null) {
        jumpPending.current = false;
        el.scrollTop = (marker as HTMLElement).offsetTop - el.offsetTop - 40;
      }
    }
    previous.current = { room: entry.room, first, height: el.scrollHeight, count: view.length };
    // A first page that does not fill the screen cannot be scrolled: load more now.
    if (entry.loaded && entry.hasMoreBefore && el.scrollHeight <= el.clientHeight + 8) void store.loadOlder(entry.room);
    checkMarker();
  });

  const onScroll = (): void => {
    const el = scroller.current;
    if (el === null) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    atBottom.current = bottom;
    store.setAtBottom(bottom);
    if (bottom) setNewBelow(false);
    if (el.scrollTop < 300) void store.loadOlder(entry.room);
    checkMarker();
  };

  const jumpToUnread = async (): Promise<void> => {
    if (entry.markerSeq === undefined) return;
    jumpPending.current = true;
    await store.loadUntil(entry.room, entry.markerSeq + 1);
    const el = scroller.current;
    const marker = el?.querySelector('.unread-marker');
    if (el !== null && el !== undefined && marker !== null && marker !== undefined) {
      jumpPending.current = false;
      el.scrollTop = (marker as HTMLElement).offsetTop - el.offsetTop - 40;
      checkMarker();
    }
  };

  return (
    <div class="messages-wrap">
      {showJump && (
        <button type="button" class="jump-unread" onClick={() => void jumpToUnread()}>
          ↑ Jump to first unread
        </button>
      )}
      <div class="messages" ref={scroller} onScroll={onScroll} role="log" aria-label={`Messages in ${store.title(entry.room)}`} tabIndex={0}>
        <div class="history-edge">
          {entry.loadingOlder ? (
            <span class="loading">Loading older messages…</span>
          ) : entry.loaded && !entry.hasMoreBefore ? (
            <span class="start">This is the beginning of {entry.visibility === 'dm' ? `your conversation with ${store.title(entry.room)}` : `#${entry.room}`}.</span>
          ) : null}
        </div>
        {!entry.loaded && <p class="loading center">Loading…</p>}
        <ol class="message-groups">
          {items.map((item) => {
            if (item.kind === 'day') {
              return (
                <li key={item.key} class="day-divider" role="separator">
                  <span>{item.label}</span>
                </li>
              );
            }
            if (item.kind === 'marker') {
              return (
                <li key={item.key} class="unread-marker" role="separator" aria-label="New messages">
                  <span>New messages</span>
                </li>
              );
            }
            const own = item.from.toLowerCase() === mine;
            return (
              <li key={item.key} class={`group${own ? ' own' : ''}`}>
                <ProfileButton username={item.from} hidden>
                  <Avatar name={item.from} />
                </ProfileButton>
                <div class="group-body">
                  <div class="group-head">
                    <ProfileButton username={item.from} class="author">
                      {item.from}
                    </ProfileButton>
                    <time dateTime={item.ts}>{timeLabel(new Date(item.ts))}</time>
                  </div>
                  {item.messages.map((message) => (
                    <MessageRow key={message.key} store={store} message={message} seenBy={message.seq === undefined ? undefined : seen.get(message.seq)} />
                  ))}
                </div>
              </li>
            );
          })}
        </ol>
      </div>
      {newBelow && (
        <button
          type="button"
          class="new-below"
          onClick={() => {
            const el = scroller.current;
            if (el !== null) el.scrollTop = el.scrollHeight;
          }}
        >
          ↓ New messages
        </button>
      )}
    </div>
  );
}
