/** Says what the connection is doing when it is not simply open: connecting, reconnecting (with a countdown), offline. */
import type { ChatStore } from '../chat-store.js';
import { useTicker } from './hooks.js';

export function ConnectionBanner({ store }: { readonly store: ChatStore }) {
  const state = store.connection;
  useTicker(state.status === 'reconnecting', 250);
  const waiting = [...store.outgoing.values()].filter((entry) => entry.status === 'pending').length;
  const queued = waiting > 0 ? ` ${waiting} message${waiting === 1 ? '' : 's'} will be sent when you are back.` : '';

  let text: string;
  let action: { label: string; run: () => void } | undefined;
  switch (state.status) {
    case 'open':
    case 'idle':
    case 'closed':
      return <div class="banner banner-hidden" role="status" aria-live="polite" data-status={state.status} />;
    case 'connecting':
      text = state.attempt === 0 ? 'Connecting…' : 'Reconnecting…';
      break;
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
      text = `Connection lost. Reconnecting in ${seconds} s…${queued}`;
      action = { label: 'Retry now', run: () => store.client.reconnectNow() };
      break;
    }
    case 'offline':
      text = state.fatal ? 'Signed out.' : `You are offline.${queued}`;
      break;
  }
  return (
    <div class={`banner banner-${state.status}`} role="status" aria-live="polite" data-status={state.status}>
      <span class="banner-dot" aria-hidden="true" />
      <span class="banner-text">{text}</span>
      {action !== undefined && (
        <button type="button" class="banner-action" onClick={action.run}>
          {action.label}
        </button>
      )}
    </div>
  );
}
