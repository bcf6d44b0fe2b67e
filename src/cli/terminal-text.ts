/**
 * Text from elsewhere (other users' messages, names, the server's error messages) made safe to
 * print on a terminal. Control characters would let anyone in a room move the cursor, recolour
 * or clear the screen, retitle the window or hide text (ESC sequences, a bare CR, backspaces), and
 * bidirectional overrides would let a line read differently from what it holds: all of them are
 * shown as a visible replacement instead.
 */

// C0 controls except LF and TAB, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character replaced by U+FFFD and tabs as spaces; newlines are kept. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, '\uFFFD').replace(/\t/g, '    ');
}

/** `text` made safe and put on one line, shortened to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 200): string {
  const flat = terminalSafe(text).replace(/\s*\n\s*/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
