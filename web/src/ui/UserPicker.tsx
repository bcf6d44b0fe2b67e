/**
 * A username field that suggests existing users as one types: an ARIA 1.2 combobox whose
 * listbox holds the server's matches for the typed prefix (searched after a pause), with
 * presence where the app knows it. ↓/↑ move through the suggestions, Enter takes one, Esc
 * closes the list (a second Esc is the dialog's). The form around it decides what a submitted
 * name means; the picker only helps to type one that exists, and says when none matches.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserMatch } from '../../../src/client/http-client.js';
import type { ChatStore } from '../chat-store.js';
import { PresenceDot } from './Avatar.js';
import './user-picker.css';

/** How long typing must pause before the server is asked. */
const SEARCH_DELAY_MS = 200;
/** Suggestions shown at most. */
const SUGGESTIONS = 8;
/** No username is longer: a longer prefix matches nobody (and the server refuses it). */
const MAX_PREFIX = 32;

export interface UserPickerProps {
  readonly store: ChatStore;
  /** The input's id; the listbox, options and messages derive theirs from it. */
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  /** A note beside a suggestion ("you", "already a member"). */
  readonly noteFor?: (username: string) => string | undefined;
  /** The form's error about the name (shown under the field, which is marked invalid). */
  readonly error?: string | undefined;
  readonly autoFocus?: boolean;
}

type Search = { readonly state: 'idle' } | { readonly state: 'searching'; readonly q: string } | { readonly state: 'done'; readonly q: string; readonly users: UserMatch[] } | { readonly state: 'failed'; readonly q: string };

export function UserPicker({ store, id, label, value, onInput, noteFor, error, autoFocus }: UserPickerProps) {
  const [search, setSearch] = useState<Search>({ state: 'idle' });
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  /** Bumped by every search: answers to an older one are dropped. */
  const generation = useRef(0);
  /** The name last taken from the list: the field holds it, and it is not searched again. */
  const chosen = useRef<string | undefined>(undefined);
  const q = value.trim();

  useEffect(() => {
    const mine = ++generation.current;
    setActive(-1);
    if (q === '' || q.length > MAX_PREFIX || q === chosen.current) {
      setSearch({ state: 'idle' });
      setOpen(false);
      return undefined;
    }
    setSearch({ state: 'searching', q });
    const timer = window.setTimeout(() => {
      store
        .searchUsers(q, SUGGESTIONS)
        .then((users) => {
          if (generation.current !== mine) return;
          setSearch({ state: 'done', q, users });
          setOpen(users.length > 0);
        })
        .catch(() => {
          if (generation.current === mine) setSearch({ state: 'failed', q });
        });
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [store, q]);

  const users = search.state === 'done' ? search.users : [];
  const expanded = open && users.length > 0;
  const listId = `${id}-listbox`;
  const optionId = (index: number): string => `${id}-option-${index}`;
  const statusId = `${id}-status`;
  const errorId = `${id}-error`;

  const choose = (username: string): void => {
    chosen.current = username;
    setOpen(false);
    setActive(-1);
    onInput(username);
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (users.length === 0) return;
      event.preventDefault();
      const down = event.key === 'ArrowDown';
      if (!expanded) {
        setOpen(true);
        setActive(down ? 0 : users.length - 1);
        return;
      }
      setActive(down ? (active + 1) % users.length : active <= 0 ? users.length - 1 : active - 1);
    } else if (event.key === 'Enter' && expanded && active >= 0) {
      // Takes the suggestion; the next Enter submits the form.
      event.preventDefault();
      choose(users[active]!.username);
    } else if (event.key === 'Escape' && expanded) {
      // Closes the list only, not the dialog around it.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
    }
  };

  const status =
    error !== undefined
      ? ''
      : search.state === 'failed'
        ? 'Could not look up users just now.'
        : search.state === 'done' && search.users.length === 0
          ? `No user named “${search.q}”.`
          : '';
  const count = search.state === 'done' && search.users.length > 0 ? `${search.users.length} matching user${search.users.length === 1 ? '' : 's'}; use the arrow keys to pick one.` : '';

  return (
    <div class="field user-picker">
      <label for={id}>{label}</label>
      <input
        id={id}
        name="username"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        aria-invalid={error !== undefined}
        aria-describedby={error !== undefined ? errorId : statusId}
        value={value}
        autoFocus={autoFocus}
        required
        autoComplete="off"
        autoCapitalize="off"
        spellcheck={false}
        onInput={(event) => {
          chosen.current = undefined;
          onInput(event.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id={listId} class="user-picker-list" role="listbox" aria-label="Matching users" hidden={!expanded}>
        {expanded &&
          users.map((user, index) => {
            const presence = store.presence.get(user.username.toLowerCase());
            const note = noteFor?.(user.username);
            return (
              <li
                key={user.username}
                id={optionId(index)}
                role="option"
                aria-selected={index === active}
                class="user-picker-option"
                // Keeps the focus in the field, so the click does not close the list first.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(user.username)}
              >
                {/* Where presence is unknown an empty slot keeps the names in one column. */}
                {presence !== undefined ? <PresenceDot status={presence} /> : <span class="user-picker-no-presence" aria-hidden="true" />}
                <span class="user-picker-name">{user.username}</span>
                {note !== undefined && <span class="user-picker-note">{note}</span>}
              </li>
            );
          })}
      </ul>
      <p id={statusId} class="user-picker-status" role="status">
        {status}
        <span class="visually-hidden">{count}</span>
      </p>
      {error !== undefined && (
        <p id={errorId} class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
