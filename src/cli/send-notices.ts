/**
 * What the chat says about outgoing messages: "Sending too fast; waiting N s" once when the
 * server's rate limit starts holding a conversation back (the SDK waits and sends by itself),
 * and a sentence with the start of the text when a message could not be delivered.
 */
import type { SendPacing, SendUpdate } from '../client/send-queue.js';
import { describeError } from './error-wording.js';
import { oneLine } from './terminal-text.js';

/** "Sending too fast" at most this often per conversation. */
const REPEAT_AFTER_MS = 10_000;

export class SendNotices {
  readonly #print: (line: string) => void;
  readonly #label: (room: string) => string;
  /** Conversations held back now, by room or recipient. */
  #held = new Set<string>();
  /** When each conversation was last said to be held: a long paste is held again and again. */
  readonly #toldAt = new Map<string, number>();

  constructor(print: (line: string) => void, label: (room: string) => string) {
    this.#print = print;
    this.#label = label;
  }

  /** Feed every `pacing` event of the client. */
  pacing(pacing: readonly SendPacing[], now = Date.now()): void {
    const held = new Set<string>();
    for (const entry of pacing) {
      const key = entry.room ?? `@${entry.to ?? ''}`;
      held.add(key);
      if (this.#held.has(key) || now - (this.#toldAt.get(key) ?? -Infinity) < REPEAT_AFTER_MS) continue;
      this.#toldAt.set(key, now);
      const seconds = Math.max(1, Math.ceil((entry.until - now) / 1000));
      this.#print(`* Sending too fast; waiting ${seconds} s`);
    }
    this.#held = held;
  }

  /** Feed every `send` event of the client. */
  update(update: SendUpdate): void {
    if (update.status !== 'failed') return;
    const where = update.room !== undefined ? this.#label(update.room) : `@${update.to ?? '?'}`;
    // The SDK gives up with its own `unavailable` after retrying for a while: not a busy database.
    const gaveUp = update.error?.code === 'unavailable' && /gave up/.test(update.error.message);
    const limit = update.error?.code === 'invalid_request' ? /^text:.*?(\d+) characters/.exec(update.error.message)?.[1] : undefined;
    const reason = gaveUp
      ? 'the server did not take it in time'
      : limit !== undefined
        ? `it is too long (${update.text.length} characters; the server takes at most ${limit})`
        : describeError(update.error ?? new Error('not delivered'), {
      action: update.to !== undefined && update.room === undefined ? `send a direct message to ${update.to}` : `send to ${where}`,
      room: where,
      ...(update.to === undefined ? {} : { user: update.to }),
    });
    this.#print(`! Not delivered to ${where}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}. The message was: "${oneLine(update.text, 60)}"`);
  }
}
