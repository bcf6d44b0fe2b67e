/**
 * My name and status in the sidebar footer, as a menu button (the WAI-ARIA menu button
 * pattern): Enter, Space or ↓ opens the menu on the chosen item, ↑ on the last; ↑ ↓ Home End
 * move, Enter or Space chooses, Esc closes and gives focus back to the button, Tab closes.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { AVAILABILITIES, type Availability } from '../../../src/protocol/availability.js';
import type { ChatStore } from '../chat-store.js';
import { AVAILABILITY_LABELS, PRESENCE_LABELS } from '../presence-state.js';
import { Avatar, PresenceDot } from './Avatar.js';
import './status-menu.css';

export function StatusMenu({ store }: { readonly store: ChatStore }) {
  const [open, setOpen] = useState(false);
  /** The item to focus when the menu opens (its index). */
  const [focusIndex, setFocusIndex] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const state = store.presenceState(store.me);

  const openAt = (index: number): void => {
    setFocusIndex(index);
    setOpen(true);
  };
  const close = (refocus: boolean): void => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const choose = (availability: Availability): void => {
    close(true);
    void store.setAvailability(availability);
  };

  // On opening, focus goes to the item asked for; later moves focus in the key handler. A
  // layout effect: run as the menu appears, never late (after a choice closed it again). Only
  // when it opens: the focused index is read then.
  useLayoutEffect(() => {
    if (!open) return;
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]')[focusIndex]?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    // A click anywhere else closes the menu (focus stays where the click put it).
    const onPointer = (event: PointerEvent): void => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const chosen = AVAILABILITIES.indexOf(store.availability);
  const last = AVAILABILITIES.length - 1;
  const onButtonKey = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openAt(chosen);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      openAt(last);
    }
  };
  const onMenuKey = (event: KeyboardEvent): void => {
    // Where focus is now, read from the page: keys can come faster than renders.
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const current = Math.max(0, items.indexOf(document.activeElement as HTMLElement));
    const moves: Record<string, number> = {
      ArrowDown: (current + 1) % AVAILABILITIES.length,
      ArrowUp: (current + last) % AVAILABILITIES.length,
      Home: 0,
      End: last,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      items[next]?.focus();
      setFocusIndex(next);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(AVAILABILITIES[current]!);
    }
  };

  return (
    <div class="status-menu">
      <button
        ref={button}
        type="button"
        class="status-button"
        id="status-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="status-menu-list"
        onClick={() => (open ? close(false) : openAt(chosen))}
        onKeyDown={onButtonKey}
      >
        <Avatar name={store.me} presence={state} small />
        <span class="status-text">
          <span class="me">{store.me}</span>
          <span class="status-label">
            {PRESENCE_LABELS[state]}
            <span class="visually-hidden"> — change status</span>
          </span>
        </span>
      </button>
      {open && (
        <ul ref={menu} id="status-menu-list" class="status-list" role="menu" aria-labelledby="status-menu-button" onKeyDown={onMenuKey}>
          {AVAILABILITIES.map((availability, index) => (
            <li
              key={availability}
              role="menuitemradio"
              aria-checked={store.availability === availability}
              tabIndex={index === focusIndex ? 0 : -1}
              class="status-item"
              onClick={() => choose(availability)}
              onFocus={() => setFocusIndex(index)}
            >
              <PresenceDot status={availability === 'active' ? 'online' : availability} />
              <span>{AVAILABILITY_LABELS[availability]}</span>
              {store.availability === availability && (
                <span class="status-check" aria-hidden="true">
                  ✓
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
