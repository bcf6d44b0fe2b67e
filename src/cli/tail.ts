/**
 * `hubbub tail`: prints a room's messages as JSON lines (one message per line, the protocol's
 * Message object), live, for scripts: `hubbub tail --url … --user bot --room general | jq .text`.
 * With `--history N` the last N messages come first. Each message is printed once, in `seq`
 * order, across reconnections (the client resumes from the last seq it printed).
 */
import type { Message } from '../protocol/events.js';
import { isDmRoomKey } from '../protocol/names.js';
import { CliUsageError, signInFromTerminal, type RemoteOptions, type Terminal } from './chat.js';

export interface TailOptions extends RemoteOptions {
  readonly room: string;
  /** How many earlier messages to print first. */
  readonly history?: number;
}

/** Runs until SIGINT or SIGTERM; resolves when stopped. */
export async function runTail(options: TailOptions, terminal: Terminal = { input: process.stdin, output: process.stdout, env: process.env }): Promise<void> {
  const history = options.history ?? 0;
  if (!Number.isInteger(history) || history < 0 || history > 200) throw new CliUsageError('--history must be a whole number from 0 to 200');
  // Signal handlers first: a signal at any point stops cleanly.
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await tail(options, terminal, history, stopped);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

async function tail(options: TailOptions, terminal: Terminal, history: number, stopped: Promise<void>): Promise<void> {
  const client = await signInFromTerminal(options, terminal);
  const { output } = terminal;
  // Every line the protocol's Message object, whatever carried it: live messages arrive as
  // events (with `type`), history pages as bare messages.
  const write = (message: Message): void => {
    const { room, seq, msgId, from, text, ts, clientMsgId } = message;
    output.write(`${JSON.stringify({ room, seq, msgId, from, text, ts, clientMsgId } satisfies Message)}\n`);
  };

  // Live messages wait until the earlier ones are out, so the output stays in seq order.
  let backlog: Message[] | undefined = [];
  client.on('message', (message) => {
    if (message.room !== options.room) return;
    if (backlog !== undefined) backlog.push(message);
    else write(message);
  });
  client.on('state', (state) => {
    if (state.status === 'reconnecting') process.stderr.write(`hubbub tail: connection lost; reconnecting in ${Math.ceil(state.delayMs / 1000)} s\n`);
  });

  const member = client.welcome?.rooms.some((room) => room.room === options.room) ?? false;
  // Public rooms are joined (membership is what delivers live messages); private rooms and
  // conversations must be the user's already.
  const lastSeq = member || isDmRoomKey(options.room) ? client.welcome?.rooms.find((room) => room.room === options.room)?.lastSeq : (await client.join(options.room)).lastSeq;
  if (lastSeq === undefined) {
    client.close();
    throw new Error(`${options.user} is not a member of ${options.room}`);
  }
  if (history > 0) {
    const page = await client.history(options.room, { before: lastSeq + 1, limit: history });
    for (const message of page.messages) write(message);
  }
  const pending = backlog;
  backlog = undefined;
  for (const message of pending.sort((a, b) => a.seq - b.seq)) write(message);

  await stopped;
  client.close();
}
