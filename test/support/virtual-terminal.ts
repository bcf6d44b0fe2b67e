/**
 * A small terminal emulator for tests of programs that draw on a terminal: it applies what they
 * write (text, CR/LF, line wrap, and the cursor movement and erase sequences readline uses) to
 * a grid, so that a test can assert what a person would see rather than the raw byte stream.
 * The grid keeps every row ever written (the scrollback too). Colours and modes are ignored.
 */
export class VirtualTerminal {
  readonly columns: number;
  readonly #rows: string[][] = [[]];
  #row = 0;
  #col = 0;
  /** After a character in the last column: the next one wraps first (as xterm does). */
  #wrapPending = false;
  /** An escape sequence cut between two chunks. */
  #partial = '';

  constructor(columns = 100) {
    this.columns = columns;
  }

  /** Applies a chunk of output. */
  write(chunk: string): void {
    const text = this.#partial + chunk;
    this.#partial = '';
    let i = 0;
    while (i < text.length) {
      const char = text[i]!;
      if (char === '\u001b') {
        const consumed = this.#escape(text, i);
        if (consumed === 0) {
          this.#partial = text.slice(i);
          return;
        }
        i += consumed;
        continue;
      }
      if (char === '\r') {
        this.#col = 0;
        this.#wrapPending = false;
      } else if (char === '\n') {
        this.#down(1);
        this.#col = 0;
        this.#wrapPending = false;
      } else if (char === '\b') {
        this.#col = Math.max(0, this.#col - 1);
        this.#wrapPending = false;
      } else if (char >= ' ') {
        this.#put(char);
      }
      i++;
    }
  }

  /** Every row, trailing spaces trimmed (and trailing empty rows dropped). */
  lines(): string[] {
    const lines = this.#rows.map((cells) => cells.join('').replace(/\s+$/, ''));
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** The row the cursor is on. */
  cursorLine(): string {
    return (this.#rows[this.#row] ?? []).join('').replace(/\s+$/, '');
  }

  #put(char: string): void {
    if (this.#wrapPending) {
      this.#down(1);
      this.#col = 0;
      this.#wrapPending = false;
    }
    const cells = this.#rows[this.#row]!;
    while (cells.length < this.#col) cells.push(' ');
    cells[this.#col] = char;
    if (this.#col === this.columns - 1) this.#wrapPending = true;
    else this.#col++;
  }

  #down(n: number): void {
    this.#row += n;
    while (this.#rows.length <= this.#row) this.#rows.push([]);
  }

  /** Applies the escape sequence at `start`; returns its length, or 0 if it is incomplete. */
  #escape(text: string, start: number): number {
    const next = text[start + 1];
    if (next === undefined) return 0;
    if (next === ']') {
      // OSC (a window title …): up to BEL or ST.
      const rest = text.slice(start);
      const bell = rest.indexOf('\u0007');
      const st = rest.indexOf('\u001b\\');
      const end = bell === -1 ? st : st === -1 ? bell : Math.min(bell, st);
      if (end === -1) return 0;
      return end + (text[start + end] === '\u0007' ? 1 : 2);
    }
    if (next !== '[') return 2;
    // A CSI sequence: ESC [, an optional private marker, parameters, one final byte.
    const match = /^\[([?>]?)([\d;]*)([@-~])/.exec(text.slice(start + 1));
    if (match === null) return text.length - start > 32 ? 2 : 0;
    const [whole, private_, params = '', final] = match;
    const length = whole.length + 1;
    if (private_ !== '') return length;
    const n = params === '' ? undefined : Number(params.split(';')[0]);
    const cells = (): string[] => this.#rows[this.#row]!;
    switch (final) {
      case 'A':
        this.#row = Math.max(0, this.#row - (n ?? 1));
        break;
      case 'B':
        this.#down(n ?? 1);
        break;
      case 'C':
        this.#col = Math.min(this.columns - 1, this.#col + (n ?? 1));
        break;
      case 'D':
        this.#col = Math.max(0, this.#col - (n ?? 1));
        break;
      case 'G':
        this.#col = Math.min(this.columns - 1, Math.max(0, (n ?? 1) - 1));
        break;
      case 'K':
        if ((n ?? 0) === 0) cells().length = Math.min(cells().length, this.#col);
        else if (n === 1) for (let c = 0; c <= this.#col && c < cells().length; c++) cells()[c] = ' ';
        else cells().length = 0;
        break;
      case 'J':
        if ((n ?? 0) === 0) {
          cells().length = Math.min(cells().length, this.#col);
          for (let r = this.#row + 1; r < this.#rows.length; r++) this.#rows[r] = [];
        }
        break;
      default:
        // Colours (m) and anything else: no effect on the text.
        break;
    }
    if (final !== 'm') this.#wrapPending = false;
    return length;
  }
}
