/**
 * What the chat says about its connection: one "Connection lost, reconnecting…" line when an
 * outage starts (not one per attempt: the SDK retries with backoff by itself), one "Reconnected"
 * line when it ends, with how many messages the resume caught up on, and a line when the login
 * is gone for good. A reconnect that needs no wait (a renewed token) says nothing.
 */
import type { ConnectionState } from '../client/client-events.js';
import type { WelcomeEvent } from '../protocol/events.js';

export class ConnectionNotices {
  readonly #print: (line: string) => void;
  readonly #onLost: () => void;
  /** An outage was announced and has not ended. */
  #lost = false;
  /** Messages the latest resume replays, once its `welcome` came. */
  #caughtUp: number | undefined;

  /** `onLost` runs once per outage (to forget who was typing, say). */
  constructor(print: (line: string) => void, onLost: () => void = () => {}) {
    this.#print = print;
    this.#onLost = onLost;
  }

  /** Feed every `state` event of the client. */
  state(state: ConnectionState): void {
    switch (state.status) {
      case 'reconnecting':
        this.#lose();
        break;
      case 'offline':
        if (state.fatal) {
          this.#lost = false;
          this.#print('! You were signed out: the server no longer accepts this login. /quit and run hubbub chat again.');
        } else {
          this.#lose();
        }
        break;
      case 'open':
        if (this.#lost) {
          this.#lost = false;
          const caught = this.#caughtUp;
          this.#caughtUp = undefined;
          const detail = caught === undefined ? '' : caught === 0 ? ' (no messages missed)' : ` (${caught} message${caught === 1 ? '' : 's'} caught up)`;
          this.#print(`* Reconnected${detail}`);
        }
        break;
      default:
        // `connecting` is one attempt of many; `idle` and `closed` are not outages.
        break;
    }
  }

  /** Feed every `welcome` (it comes before the `open` state of the same connection). */
  welcome(event: WelcomeEvent): void {
    if (!this.#lost) return;
    this.#caughtUp = Object.values(event.resumed).reduce((sum, result) => sum + (result.recovered ? result.missed : 0), 0);
  }

  #lose(): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#caughtUp = undefined;
    this.#onLost();
    this.#print('* Connection lost, reconnecting…');
  }
}
