/**
 * The confirmation before a public room is created from a name that was followed or searched
 * for (a missing room's page, the directory's offer): a typo must not become a room everyone
 * sees. The "Create a room" dialog is an explicit creation and does not ask.
 */
import { useState } from 'preact/hooks';
import { HubbubError } from '../../../src/client/errors.js';
import type { ChatStore } from '../chat-store.js';
import { Dialog } from './Dialog.js';
import './room-creation.css';

export interface CreateRoomConfirmProps {
  readonly store: ChatStore;
  readonly room: string;
  /** The room was created (or, created meanwhile by someone else, joined) and is open. */
  readonly onCreated: () => void;
  readonly onCancel: () => void;
}

export function CreateRoomConfirm({ store, room, onCreated, onCancel }: CreateRoomConfirmProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const create = (): void => {
    setBusy(true);
    setError(undefined);
    store
      .createPublicRoom(room)
      .then(onCreated)
      .catch((failure: unknown) => {
        setError(failure instanceof HubbubError && failure.code === 'forbidden' ? `#${room} exists and is private: a member must invite you.` : failure instanceof Error ? failure.message : String(failure));
        setBusy(false);
      });
  };
  return (
    <Dialog title="Create a public room" onClose={onCancel}>
      <p class="confirm-text">
        Create a new public room <strong>#{room}</strong>? Everyone can find and join it.
      </p>
      {error !== undefined && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="ghost" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" class="primary" onClick={create} disabled={busy}>
          Create
        </button>
      </div>
    </Dialog>
  );
}
