/**
 * The confirmation before a public room is created from a name that was followed or searched
 * for (a missing room's page, the directory's offer): a typo must not become a room everyone
 * sees. The "Create a room" dialog is an explicit creation and does not ask.
 */
import { HubbubError } from '../../../src/client/errors.js';
import type { ChatStore } from '../chat-store.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import './room-creation.css';

export interface CreateRoomConfirmProps {
  readonly store: ChatStore;
  readonly room: string;
  /** The room was created (or, created meanwhile by someone else, joined) and is open. */
  readonly onCreated: () => void;
  readonly onCancel: () => void;
}

export function CreateRoomConfirm({ store, room, onCreated, onCancel }: CreateRoomConfirmProps) {
  const create = async (): Promise<void> => {
    try {
      await store.createPublicRoom(room);
    } catch (failure) {
      if (failure instanceof HubbubError && failure.code === 'forbidden') throw new Error(`#${room} exists and is private: a member must invite you.`, { cause: failure });
      throw failure;
    }
  };
  return (
    <ConfirmDialog title="Create a public room" confirmLabel="Create" onConfirm={create} onClose={onCancel} onDone={onCreated}>
      <p>
        Create a new public room <strong>#{room}</strong>? Everyone can find and join it.
      </p>
    </ConfirmDialog>
  );
}
