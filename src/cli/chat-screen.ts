/**
 * The chat's output. On a terminal: lines appear above the prompt, with one status line (who is
 * typing) between them and the prompt, redrawn in place; the prompt and the half-typed line the
 * user is editing are redrawn below by readline itself, with the cursor where it was. Without a
 * terminal (a pipe, a file): plain lines, and no status line.
 *
 * Everything printed goes through `terminalSafe`: message text and names come from other people.
 */
import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';
import { terminalSafe } from './terminal-text.js';

/** readline's record of the row the cursor is on within the prompt (see `#redraw`). */
interface ReadlineRows {
  prevRows?: number;
}

/** The stream the chat writes to (the process's stdout, or a test's). */
export type ScreenOutput = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export class ChatScreen {
  readonly #output: ScreenOutput;
  /** Whether to draw (status line, prompt) or only append lines. */
  readonly tty: boolean;
  #rl: Interface | undefined;
  #status = '';
  /** The status line is on the screen, on the row just above the prompt. */
  #statusShown = false;

  constructor(output: ScreenOutput, tty: boolean) {
    this.#output = output;
    this.tty = tty;
  }

  /** From now on readline owns the prompt; `print` and `status` draw around it. */
  attach(rl: Interface): void {
    this.#rl = rl;
  }

  /** Readline is closing: the status line goes, and later lines are plain. */
  detach(): void {
    this.setStatus('');
    this.#rl = undefined;
  }

  /** Prints a line (or several, split on newlines) above the prompt. */
  print(text: string): void {
    const lines = terminalSafe(text).split('\n');
    if (this.#rl === undefined || !this.tty) {
      this.#output.write(`${lines.join('\n')}\n`);
      return;
    }
    this.#redraw(lines);
  }

  /** Sets the status line ('' removes it). Only a terminal has one. */
  setStatus(text: string): void {
    const status = terminalSafe(text).replace(/\n/g, ' ');
    if (status === this.#status) return;
    this.#status = status;
    if (this.#rl !== undefined && this.tty) this.#redraw([]);
  }

  /** Shows the prompt (after a command ran), with the status line above it. */
  prompt(): void {
    if (this.#rl !== undefined && this.tty) this.#redraw([]);
  }

  /**
   * Takes the status line off the screen before readline commits the line the user entered:
   * readline leaves that line where it is and starts a new one below, which would strand the
   * status line above it. `prompt()` puts it back.
   */
  beforeEnter(): void {
    if (this.#rl === undefined || !this.tty || !this.#statusShown) return;
    const status = this.#status;
    this.#status = '';
    this.#redraw([]);
    this.#status = status;
  }

  /**
   * Clears the status line and the prompt region, prints `lines`, then the status line, then
   * has readline draw the prompt and the user's line again with the cursor where it was.
   */
  #redraw(lines: readonly string[]): void {
    const output = this.#output;
    const rl = this.#rl!;
    // The cursor's row within a wrapped input line (computed from the line and the terminal's
    // width, so always true): the prompt starts that many rows up.
    const { rows } = rl.getCursorPos();
    moveCursor(output, 0, -rows - (this.#statusShown ? 1 : 0));
    cursorTo(output, 0);
    clearScreenDown(output);
    for (const line of lines) output.write(`${line}\n`);
    const status = this.#fit(this.#status);
    // Dim, so that it does not read as a message.
    if (status !== '') output.write(`\u001b[2m${status}\u001b[22m\n`);
    this.#statusShown = status !== '';
    // readline redraws the prompt from `prevRows` rows above the cursor, its own idea of where
    // the prompt starts, which it does not keep up to date while a line wraps as it is typed.
    // The cursor is where the prompt must start now: say so. (An undocumented field, there
    // since Node's first readline; without it the prompt would be drawn over the lines above.)
    (rl as Interface & ReadlineRows).prevRows = 0;
    rl.prompt(true);
  }

  /** The status line cut to the terminal's width: a wrapped one would take two rows. */
  #fit(text: string): string {
    const columns = this.#output.columns;
    if (columns === undefined || columns < 2 || text.length < columns) return text;
    return `${text.slice(0, columns - 2)}…`;
  }
}
