// Reading the terminal's screen back as text, through xterm.js's buffer API: what the e2e tests
// (and anyone in the developer console) use to see what the console shows. Published as
// window.wasmvisorConsole.
import type { Terminal } from '@xterm/xterm';
import type { ConsoleSession } from './session.js';

/** `window.wasmvisorConsole`. */
export interface ConsoleHandle {
  /** The xterm.js terminal itself. */
  readonly term: Terminal;
  /**
   * Rows of the active buffer (scrollback included) from `start` (default 0) to `end` (exclusive,
   * default the buffer's length), as strings; cells never written at a row's end are left out
   * (translateToString(true)), so a prompt's trailing space stays.
   */
  lines(start?: number, end?: number): string[];
  /** The rows now on screen (the viewport), as lines() gives them. */
  screen(): string[];
  /** The absolute row of the cursor in the active buffer (an index for lines()). */
  cursorRow(): number;
  /** Bytes of output received from the kernel so far. */
  bytesReceived(): number;
  /** Batches of output received from the kernel so far. */
  batchesReceived(): number;
}

declare global {
  interface Window {
    wasmvisorConsole?: ConsoleHandle;
  }
}

/** Builds the handle for `term` (and the session feeding it). */
export function screenHandle(term: Terminal, session: ConsoleSession): ConsoleHandle {
  const rows = (start: number, end: number): string[] => {
    const buffer = term.buffer.active;
    const out: string[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, buffer.length); i++) {
      out.push(buffer.getLine(i)?.translateToString(true) ?? '');
    }
    return out;
  };
  return {
    term,
    lines: (start = 0, end = Number.MAX_SAFE_INTEGER) => rows(start, end),
    screen: () => {
      const top = term.buffer.active.viewportY;
      return rows(top, top + term.rows);
    },
    cursorRow: () => term.buffer.active.baseY + term.buffer.active.cursorY,
    bytesReceived: () => session.bytesReceived,
    batchesReceived: () => session.batchesReceived,
  };
}
