/**
 * A modal dialog on the native <dialog>: focus moves into it, Esc and the close button close it,
 * and when it goes, focus goes back to the element that opened it.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface DialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ComponentChildren;
  /** Extra classes for the <dialog> (a dialog's own stylesheet hooks on them). */
  readonly className?: string;
}

/** Where focus goes when the opener is gone or hidden (a room changed, a phone layout). */
const FALLBACK_FOCUS = ['#composer-input', '.join-bar button', '.welcome-pane button', '.sidebar .room-link.active', '.sidebar button'];

function tryFocus(element: Element | null): boolean {
  if (!(element instanceof HTMLElement) || !element.isConnected || element === document.body) return false;
  element.focus();
  return document.activeElement === element;
}

/**
 * Gives focus back after a dialog closed: to the element that opened it when it still exists
 * and can take focus (a hidden one cannot), otherwise to the composer or the conversation.
 */
function returnFocus(opener: Element | null): void {
  if (tryFocus(opener)) return;
  for (const selector of FALLBACK_FOCUS) if (tryFocus(document.querySelector(selector))) return;
}

export function Dialog({ title, onClose, children, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Read on the first render, before showModal moves focus into the dialog.
  const [opener] = useState(() => document.activeElement);
  // Opened as soon as it is on the page (not after the next paint), so that keys typed right
  // after the shortcut that opened it land in it, not in the field behind.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event): void => {
      event.preventDefault();
      onClose();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, [onClose]);
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      // Closed, however (Esc, the close button, the backdrop, an action): the page behind is no
      // longer inert, so focus can go back to where it was.
      if (dialog?.open === true) dialog.close();
      returnFocus(opener);
      // The same update may still remove the opener (an action that changed the room): check
      // again once it is done.
      window.setTimeout(() => {
        if (document.activeElement === null || document.activeElement === document.body) returnFocus(opener);
      }, 0);
    };
  }, [opener]);
  const titleId = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      class={className === undefined ? 'dialog' : `dialog ${className}`}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          // This dialog only: not one it is opened from (a confirmation inside another dialog).
          event.stopPropagation();
          onClose();
        }
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (event.target === ref.current) onClose();
      }}
    >
      <div class="dialog-body">
        <header class="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
