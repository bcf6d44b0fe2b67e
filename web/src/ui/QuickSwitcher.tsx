/**
 * The quick switcher (Ctrl+K / ⌘K): a dialog with one field, an ARIA 1.2 combobox over a listbox
 * of my rooms, my direct conversations and people, ranked as the user types
 * (web/src/quick-switch-rank.ts). ↑/↓ move, Enter opens (a person: the direct conversation),
 * Esc closes and focus goes back where it was.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChatStore } from '../chat-store.js';
import { knownPeople, knownPeopleSearch, type PeopleSearch } from '../people.js';
import { switchList, type SwitchCandidate, type SwitchKind, type SwitchSource } from '../quick-switch-rank.js';
import { RecentRooms } from '../recent-rooms.js';
import { Avatar } from './Avatar.js';
import { Dialog } from './Dialog.js';
import { LockIcon } from './icons.js';
import './quick-switcher.css';

/**
 * The user's recently opened rooms, noted whenever the open room changes (call it in the
 * component that lives as long as the store).
 */
export function useRecentRooms(store: ChatStore): RecentRooms {
  const recent = useMemo(() => new RecentRooms(store.me), [store]);
  useEffect(() => {
    if (store.active !== undefined) recent.note(store.active);
  });
  return recent;
}

/** What the quick switcher needs: the store, the recent rooms, and how it closes. */
export interface QuickSwitcherProps {
  readonly store: ChatStore;
  readonly recent: RecentRooms;
  readonly onClose: () => void;
  /** Finds people by name; by default the names the store knows (see web/src/people.ts). */
  readonly searchPeople?: PeopleSearch | undefined;
}

const KIND_LABEL: Record<SwitchKind, string> = { room: 'room', private: 'private', dm: 'DM', person: 'person' };

/** The store's rooms, conversations and people, as `switchList` takes them. */
function sourceOf(store: ChatStore, recent: RecentRooms, searched: readonly string[]): SwitchSource {
  const { rooms, direct } = store.myRooms();
  const unread = (room: string, count: number): number => (room === store.active ? 0 : count);
  const conversations: SwitchCandidate[] = [
    ...rooms.map((entry): SwitchCandidate => ({ id: entry.room, label: entry.room, kind: entry.visibility === 'private' ? 'private' : 'room', target: entry.room, unread: unread(entry.room, entry.unread) })),
    ...direct.map((entry): SwitchCandidate => {
      const partner = store.title(entry.room);
      return { id: entry.room, label: partner, kind: 'dm', target: entry.room, unread: unread(entry.room, entry.unread), presence: store.presenceOf(partner) };
    }),
  ];
  const people = [...knownPeople(store), ...searched].map((name) => ({ name, presence: store.presenceOf(name) }));
  return { conversations, people, recent: recent.list(), active: store.active, me: store.me };
}

/** The quick switcher dialog; App shows it on Ctrl+K / ⌘K. */
export function QuickSwitcher({ store, recent, onClose, searchPeople }: QuickSwitcherProps) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const [searched, setSearched] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const search = useMemo(() => searchPeople ?? knownPeopleSearch(store), [searchPeople, store]);

  useEffect(() => {
    let current = true;
    search(query)
      .then((names) => {
        if (current) setSearched(names);
      })
      .catch(() => {
        // A failed search leaves the names the store knows.
      });
    return () => {
      current = false;
    };
  }, [search, query]);

  const results = switchList(sourceOf(store, recent, searched), query);
  const active = results.length === 0 ? -1 : Math.min(selected, results.length - 1);
  const optionId = (index: number): string => `quick-switch-option-${index}`;

  useEffect(() => {
    if (active >= 0) document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = (candidate: SwitchCandidate): void => {
    if (candidate.kind === 'person') {
      store
        .startDirect(candidate.target)
        .then(onClose)
        .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
      return;
    }
    void store.open(candidate.target);
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    const n = results.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (n > 0) setSelected((active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const candidate = results[active];
      if (candidate !== undefined) choose(candidate);
    }
  };

  const q = query.trim();
  const summary =
    results.length === 0
      ? q === ''
        ? 'No rooms or conversations yet.'
        : `Nothing matches “${q}”.`
      : q === ''
        ? `${results.length} to choose from, recent first`
        : `${results.length} ${results.length === 1 ? 'match' : 'matches'}`;

  return (
    <Dialog title="Jump to…" onClose={onClose} className="quick-switcher">
      <label class="visually-hidden" for="quick-switch-input">
        Room, conversation or person
      </label>
      <input
        id="quick-switch-input"
        class="quick-switch-input"
        type="text"
        role="combobox"
        aria-expanded={results.length > 0}
        aria-controls={results.length > 0 ? 'quick-switch-list' : undefined}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? optionId(active) : undefined}
        autoFocus
        autoComplete="off"
        autoCapitalize="off"
        spellcheck={false}
        placeholder="Room, conversation or person"
        value={query}
        onInput={(event) => {
          setQuery(event.currentTarget.value);
          setSelected(0);
          setError(undefined);
        }}
        onKeyDown={onKeyDown}
      />
      {results.length > 0 && (
        <ul id="quick-switch-list" class="quick-switch-list" role="listbox" aria-label={q === '' ? 'Recent rooms first' : 'Matches'}>
          {results.map((candidate, index) => (
            <li
              key={candidate.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              class={`quick-switch-option${index === active ? ' selected' : ''}${candidate.unread > 0 ? ' unread' : ''}`}
              data-id={candidate.id}
              // The cursor stays in the field: a click chooses, it does not move focus.
              onMouseDown={(event) => event.preventDefault()}
              onMouseMove={() => index !== active && setSelected(index)}
              onClick={() => choose(candidate)}
            >
              {candidate.kind === 'dm' || candidate.kind === 'person' ? (
                <Avatar name={candidate.label} presence={candidate.presence} small />
              ) : (
                <span class="room-hash" aria-hidden="true">
                  {candidate.kind === 'private' ? <LockIcon /> : '#'}
                </span>
              )}
              <span class="quick-switch-label">{candidate.label}</span>
              {candidate.presence !== undefined && <span class="visually-hidden">({candidate.presence})</span>}
              <span class="quick-switch-kind">{KIND_LABEL[candidate.kind]}</span>
              {candidate.unread > 0 && (
                <span class="badge">
                  {candidate.unread > 99 ? '99+' : candidate.unread}
                  <span class="visually-hidden"> unread</span>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <p class="quick-switch-status muted" role="status">
        {summary}
      </p>
      {error !== undefined && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <p class="quick-switch-hint muted" aria-hidden="true">
        <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
      </p>
    </Dialog>
  );
}
