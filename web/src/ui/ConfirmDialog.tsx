/**
 * A question before an action that cannot simply be undone: the action's button names it
 * ("Leave #design"), Cancel has the focus, Esc cancels.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Dialog } from './Dialog.js';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly children: ComponentChildren;
  /** The label of the button that does it. */
  readonly confirmLabel: string;
  /** Shown in the danger style (leaving, deleting). */
  readonly danger?: boolean;
  /** Does it; a rejection is shown in the dialog, which stays open. */
  readonly onConfirm: () => Promise<void> | void;
  /** Cancel, Esc, the close button; also after `onConfirm` succeeded, unless `onDone` is given. */
  readonly onClose: () => void;
  /** After `onConfirm` succeeded (when that differs from cancelling). */
  readonly onDone?: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm, onClose, onDone }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await onConfirm();
      (onDone ?? onClose)();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <div class="dialog-form">
        <div class="confirm-text">{children}</div>
        {error !== undefined && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="button" class={danger ? 'danger' : 'primary'} disabled={busy} onClick={() => void confirm()}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
