// LineEditor: the shell's own line editing (like readline), used while the shell waits for a
// command: the terminal is switched to raw mode and the editor handles printable input, cursor
// keys, Home/End, Backspace/Delete, Ctrl-A/E/U/W/L, history on the up/down arrows, Tab
// completion, Ctrl-C (abandon the line) and Ctrl-D (end of input on an empty line).

export interface EditorIO {
  /** The next chunk of raw input; an empty array at end of input. */
  read(): Promise<Uint8Array>;
  write(text: string): Promise<void>;
}

export interface Completion {
  /** Index in the line where the completed word starts. */
  start: number;
  /** Full candidates for the word (directories end in "/"). */
  candidates: string[];
}

export type Completer = (line: string, cursor: number) => Completion;

/** What readLine returns when the user pressed Ctrl-C. */
export const INTERRUPTED = Symbol('interrupted');

function commonPrefix(xs: string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0]!;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

export class LineEditor {
  private pending = '';
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly io: EditorIO,
    readonly history: string[],
    private readonly complete: Completer,
  ) {}

  /** Input read but not used by the last line (typed ahead): the caller gives it back. */
  takePending(): string {
    const p = this.pending;
    this.pending = '';
    return p;
  }

  /** Reads one line. Returns null at end of input, INTERRUPTED on Ctrl-C. */
  async readLine(prompt: string): Promise<string | typeof INTERRUPTED | null> {
    let line = '';
    let cursor = 0;
    let histIndex = this.history.length;
    let draft = '';
    let lastWasTab = false;
    const redraw = async () => {
      const back = line.length - cursor;
      await this.io.write('\r' + prompt + line + '\x1b[K' + (back > 0 ? `\x1b[${back}D` : ''));
    };
    await this.io.write(prompt);
    for (;;) {
      if (this.pending === '') {
        const chunk = await this.io.read();
        if (chunk.length === 0) return line === '' ? null : line;
        this.pending = this.decoder.decode(chunk, { stream: true });
        continue;
      }
      const s = this.pending;
      let consumed = 1;
      const c = s[0]!;
      const tab = c === '\t';
      if (c === '\x1b') {
        // Escape sequences: CSI (ESC [) and SS3 (ESC O) forms of the cursor keys.
        const m = /^\x1b(?:\[([0-9;]*)([A-Za-z~])|O([A-Za-z]))/.exec(s);
        if (!m) {
          if (s.length < 3 && /^\x1b(\[[0-9;]*|O)?$/.test(s)) {
            // Incomplete sequence: wait for the rest.
            const chunk = await this.io.read();
            if (chunk.length === 0) return null;
            this.pending += this.decoder.decode(chunk, { stream: true });
            continue;
          }
          this.pending = s.slice(1);
          continue;
        }
        consumed = m[0].length;
        const key = m[2] ?? m[3];
        const arg = m[1] ?? '';
        if (key === 'A' || key === 'B') {
          if (key === 'A' && histIndex > 0) {
            if (histIndex === this.history.length) draft = line;
            histIndex--;
            line = this.history[histIndex]!;
          } else if (key === 'B' && histIndex < this.history.length) {
            histIndex++;
            line = histIndex === this.history.length ? draft : this.history[histIndex]!;
          }
          cursor = line.length;
        } else if (key === 'C') cursor = Math.min(line.length, cursor + 1);
        else if (key === 'D') cursor = Math.max(0, cursor - 1);
        else if (key === 'H' || (key === '~' && (arg === '1' || arg === '7'))) cursor = 0;
        else if (key === 'F' || (key === '~' && (arg === '4' || arg === '8'))) cursor = line.length;
        else if (key === '~' && arg === '3') line = line.slice(0, cursor) + line.slice(cursor + 1);
        this.pending = s.slice(consumed);
        await redraw();
        lastWasTab = false;
        continue;
      }
      this.pending = s.slice(consumed);
      switch (c) {
        case '\r':
        case '\n':
          await this.io.write('\r\n');
          return line;
        case '\x03': // Ctrl-C
          await this.io.write('^C\r\n');
          return INTERRUPTED;
        case '\x04': // Ctrl-D
          if (line === '') return null;
          line = line.slice(0, cursor) + line.slice(cursor + 1);
          break;
        case '\x7f':
        case '\b':
          if (cursor > 0) {
            line = line.slice(0, cursor - 1) + line.slice(cursor);
            cursor--;
          }
          break;
        case '\x01':
          cursor = 0;
          break;
        case '\x05':
          cursor = line.length;
          break;
        case '\x15': // Ctrl-U: kill to the start
          line = line.slice(cursor);
          cursor = 0;
          break;
        case '\x0b': // Ctrl-K: kill to the end
          line = line.slice(0, cursor);
          break;
        case '\x17': { // Ctrl-W: erase the word before the cursor
          let k = cursor;
          while (k > 0 && line[k - 1] === ' ') k--;
          while (k > 0 && line[k - 1] !== ' ') k--;
          line = line.slice(0, k) + line.slice(cursor);
          cursor = k;
          break;
        }
        case '\x0c': // Ctrl-L
          await this.io.write('\x1b[H\x1b[2J');
          break;
        case '\t': {
          const { start, candidates } = this.complete(line, cursor);
          const word = line.slice(start, cursor);
          if (candidates.length === 1) {
            const full = candidates[0]!;
            const insert = full.slice(word.length) + (full.endsWith('/') ? '' : ' ');
            line = line.slice(0, cursor) + insert + line.slice(cursor);
            cursor += insert.length;
          } else if (candidates.length > 1) {
            const prefix = commonPrefix(candidates);
            if (prefix.length > word.length) {
              const insert = prefix.slice(word.length);
              line = line.slice(0, cursor) + insert + line.slice(cursor);
              cursor += insert.length;
            } else if (lastWasTab) {
              const names = candidates.map((x) => x.replace(/\/$/, '').split('/').pop()! + (x.endsWith('/') ? '/' : ''));
              await this.io.write('\r\n' + names.join('  ') + '\r\n');
            } else {
              await this.io.write('\x07');
            }
          } else {
            await this.io.write('\x07');
          }
          break;
        }
        default:
          if (c >= ' ' || c > '\x7f') {
            // Take the whole run of printable text at once (pastes are fast).
            const run = /^[^\x00-\x1f\x7f]+/.exec(s)![0];
            this.pending = s.slice(run.length);
            const atEnd = cursor === line.length;
            line = line.slice(0, cursor) + run + line.slice(cursor);
            cursor += run.length;
            if (atEnd) {
              // Typing at the end of the line: just show the text.
              await this.io.write(run);
              lastWasTab = false;
              continue;
            }
          }
      }
      lastWasTab = tab;
      await redraw();
    }
  }
}
