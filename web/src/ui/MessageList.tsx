/**
 * A room's messages: grouped by day and author, older pages loaded by scrolling up, a "new
 * messages" marker with a jump to it, read receipts, and my own messages pending or failed.
 * Message text is Markdown rendered to elements by web/src/markdown, never set as HTML.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatStore, RoomEntry } from '../chat-store.js';
import { fullDateLabel, groupMessages, timeLabel, toView, type ViewMessage } from '../format.js';
import { MessageText } from '../markdown/MessageText.js';
import { ProfileButton } from './ProfileCard.js';
import { Avatar } from './Avatar.js';
import { ActivityLine } from './ActivityLine.js';
import { groupActivity } from '../activity.js';

interface MessageRowProps {
  readonly store: ChatStore;
  readonly message: ViewMessage;
  readonly seenBy: readonly string[] | undefined;
  /** The first message of its group has its time in the group's header; the others show it on hover. */
  readonly first: boolean;
}

function MessageRow({ store, message, seenBy, first }: MessageRowProps) {
  const date = new Date(message.ts);
  return (
    <div class={`message message-${message.status}`} data-seq={message.seq} data-client-msg-id={message.clientMsgId}>
      {!first && (
        <time class="message-time" dateTime={message.ts} title={fullDateLabel(date)}>
          {timeLabel(date)}
        </time>
      )}
      <div class="message-text">
        <MessageText text={message.text} />
      </div>
      {message.status === 'pending' && (
        <span class="message-status" aria-label="sending">
          Sending…
        </span>
      )}
      {message.status === 'failed' && (
        <span class="message-status failed" role="alert">
          <span>{message.undeliverable === undefined ? 'Not delivered.' : `Not delivered: ${message.undeliverable}`}</span>
          <span class="message-actions">
            {/* A message refused for good (no such user) cannot succeed by trying again. */}
            {message.undeliverable === undefined && (
              <button type="button" class="link-button" onClick={() => store.retry(message.clientMsgId)}>
                Retry
              </button>
            )}
            <button type="button" class="link-button" onClick={() => store.discard(message.clientMsgId)}>
              Discard
            </button>
          </span>
        </span>
      )}
      {seenBy !== undefined && seenBy.length > 0 && <span class="seen-by">Seen by {seenBy.join(', ')}</span>}
    </div>
  );
}

export function MessageList({ store, entry }: { readonly store: ChatStore; readonly entry: RoomEntry }) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLOListElement>(null);
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
      .map((o): ViewMessage => ({ key: `o${o.clientMsgId}`, seq: undefined, from: store.me, text: o.text, ts: o.ts, status: o.status, clientMsgId: o.clientMsgId, undeliverable: o.retriable === false ? o.error : undefined })),
  ];
  const items = groupMessages(view, entry.markerSeq, undefined, groupActivity(entry.activity));
  const seen = store.seenBy(entry);
  const markerLoaded = entry.markerSeq !== undefined && (entry.messages[0]?.seq ?? Infinity) <= entry.markerSeq + 1;
  const showJump = entry.markerSeq !== undefined && entry.markerSeq < entry.lastSeq && (!markerLoaded || !markerVisible);

  /**
   * Tells the store the newest stored message on screen: the last one whose top edge is above
   * the list's bottom edge (the read position follows what the user has had in front of them).
   */
  const reportViewed = (): void => {
    const el = scroller.current;
    if (el === null) return;
    const bottom = el.getBoundingClientRect().bottom;
    const rows = el.querySelectorAll<HTMLElement>('.message[data-seq]');
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i]!;
      if (row.getBoundingClientRect().top < bottom - 8) {
        store.viewed(entry.room, Number(row.dataset['seq']));
        return;
      }
    }
  };

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
    reportViewed();
  });

  // Messages can change height without this list rendering: they are formatted when the Markdown
  // formatter arrives, code is highlighted later. A list that was at the bottom stays there, and
  // the height an older page is measured against stays true. (Content changing above a reader in
  // the middle is kept in place by the browser's scroll anchoring.) Returns whether it had changed.
  const followContent = (el: HTMLElement): boolean => {
    if (el.scrollHeight === previous.current.height) return false;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    previous.current = { ...previous.current, height: el.scrollHeight };
    return true;
  };

  useEffect(() => {
    const el = scroller.current;
    const list = content.current;
    if (el === null || list === null || typeof ResizeObserver === 'undefined') return;
    // Runs after layout, before paint: the user never sees the list away from the bottom.
    const observer = new ResizeObserver(() => followContent(el));
    observer.observe(list);
    return () => observer.disconnect();
  }, []);

  const onScroll = (): void => {
    const el = scroller.current;
    if (el === null) return;
    // Scroll anchoring moves the list when content grows before the observer above has seen the
    // growth: that scroll is not the user leaving the bottom.
    if (followContent(el) && atBottom.current) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    atBottom.current = bottom;
    if (bottom) setNewBelow(false);
    if (el.scrollTop < 300) void store.loadOlder(entry.room);
    checkMarker();
    reportViewed();
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
        <ol class="message-groups" ref={content}>
          {items.map((item) => {
            if (item.kind === 'day') {
              return (
                // List items (a list holds only items), read as their text: "Today", "New messages".
                <li key={item.key} class="day-divider">
                  <span>{item.label}</span>
                </li>
              );
            }
            if (item.kind === 'activity') return <ActivityLine key={item.key} group={item.group} />;
            if (item.kind === 'marker') {
              return (
                <li key={item.key} class="unread-marker">
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
                    <time dateTime={item.ts} title={fullDateLabel(new Date(item.ts))}>
                      {timeLabel(new Date(item.ts))}
                    </time>
                  </div>
                  {item.messages.map((message, i) => (
                    <MessageRow key={message.key} store={store} message={message} first={i === 0} seenBy={message.seq === undefined ? undefined : seen.get(message.seq)} />
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
