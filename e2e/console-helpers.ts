// Helpers for the console e2e tests: drive the real terminal with Playwright's keyboard (the page's
// xterm.js gets trusted key events, as from a user) and read the screen back through xterm.js's
// buffer API (window.wasmvisorConsole, published by src/console/screen.ts).
import { expect, type Page } from '@playwright/test';
import type { Terminal } from '@xterm/xterm';
import { openKernel } from './helpers.js';

declare global {
  interface Window {
    /** src/console/screen.ts */
    wasmvisorConsole?: {
      term: Terminal;
      lines(start?: number, end?: number): string[];
      screen(): string[];
      cursorRow(): number;
      bytesReceived(): number;
      batchesReceived(): number;
    };
    /** Markers set by mark(): rows of the buffer that follow scrolling. */
    __consoleMarks?: Map<number, { line: number; isDisposed: boolean }>;
  }
}

/** A shell prompt, as a row of the screen reads (trailing blanks trimmed): `root@wasmvisor:~$`. */
export const PROMPT = /^root@wasmvisor:[^\s$]*\$$/;

/** Every row below is trimmed at its end: a written blank (the prompt's "$ ") is not interesting. */
const trimRow = (row: string): string => row.trimEnd();

const DEFAULT_TIMEOUT = 10_000;

/** Opens the page, waits for the kernel and for the shell's first prompt, and focuses the terminal. */
export async function openConsole(page: Page): Promise<void> {
  await openKernel(page);
  await page.waitForFunction(() => window.wasmvisorConsole !== undefined);
  await waitForPrompt(page);
  await focusConsole(page);
}

/** Clicks into the terminal and waits until its input has the keyboard focus. */
export async function focusConsole(page: Page): Promise<void> {
  await page.locator('#terminal .xterm-screen').click();
  await expect(page.locator('#terminal .xterm-helper-textarea')).toBeFocused();
}

/** Every row of the active buffer (scrollback included), trailing blanks trimmed. */
export async function screenLines(page: Page): Promise<string[]> {
  return (await page.evaluate(() => window.wasmvisorConsole!.lines())).map(trimRow);
}

/** The rows of the buffer as one string, for failure messages. */
export async function screenDump(page: Page): Promise<string> {
  const lines = await screenLines(page);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-40).join('\n');
}

/** Polls `check` until it returns a value other than undefined; fails with the screen after `timeout`. */
async function poll<T>(page: Page, what: string, check: () => Promise<T | undefined>, timeout = DEFAULT_TIMEOUT, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; the screen shows:\n${await screenDump(page)}`);
    }
    await page.waitForTimeout(everyMs);
  }
}

/** Waits until some row of the buffer matches `pattern` (searching rows from `fromRow`); returns it. */
export async function waitForLine(page: Page, pattern: RegExp, opts: { timeout?: number; fromRow?: number } = {}): Promise<string> {
  return poll(
    page,
    `a row matching ${pattern}`,
    async () => {
      const lines = await page.evaluate((from) => window.wasmvisorConsole!.lines(from), opts.fromRow ?? 0);
      return lines.map(trimRow).find((l) => pattern.test(l));
    },
    opts.timeout,
  );
}

/** The row the cursor is on, its text (trimmed at the end) and the cursor's column. */
export async function cursorLine(page: Page): Promise<{ row: number; text: string; x: number }> {
  const line = await page.evaluate(() => {
    const c = window.wasmvisorConsole!;
    const row = c.cursorRow();
    return { row, text: c.lines(row, row + 1)[0] ?? '', x: c.term.buffer.active.cursorX };
  });
  return { ...line, text: trimRow(line.text) };
}

/**
 * Waits until the cursor sits right after a prompt — below the row of marker `afterMark`, when
 * given (or anywhere, once that row has scrolled out of the scrollback). Returns the cursor's row.
 */
export async function waitForPrompt(page: Page, opts: { timeout?: number; afterMark?: number } = {}): Promise<number> {
  return poll(
    page,
    'a prompt',
    async () => {
      const { row, text, x } = await cursorLine(page);
      if (!PROMPT.test(text) || x !== text.length + 1) return undefined;
      if (opts.afterMark !== undefined) {
        const marked = await markRow(page, opts.afterMark);
        if (marked >= 0 && row <= marked) return undefined;
      }
      return row;
    },
    opts.timeout,
  );
}

let nextMark = 1;

/** Sets a marker on the cursor's row; it follows the row as the buffer scrolls. Returns its id. */
export async function mark(page: Page): Promise<number> {
  const id = nextMark++;
  await page.evaluate((id) => {
    const marks = (window.__consoleMarks ??= new Map());
    const marker = window.wasmvisorConsole!.term.registerMarker(0);
    if (marker) marks.set(id, marker);
  }, id);
  return id;
}

/**
 * The row of marker `id`, or -1 when it has scrolled out of the scrollback (trimmed away).
 */
export async function markRow(page: Page, id: number): Promise<number> {
  return page.evaluate((id) => {
    const m = window.__consoleMarks?.get(id);
    return !m || m.isDisposed ? -1 : m.line;
  }, id);
}

/**
 * Logical lines (rows joined where xterm.js wrapped them) from `start` to `end` (exclusive rows).
 */
export async function logicalLines(page: Page, start: number, end: number): Promise<string[]> {
  const lines = await page.evaluate(([start, end]) => {
    const buffer = window.wasmvisorConsole!.term.buffer.active;
    const out: string[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, buffer.length); i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      if (line.isWrapped && out.length) out[out.length - 1] += line.translateToString(true);
      else out.push(line.translateToString(true));
    }
    return out;
  }, [start, end] as const);
  return lines.map(trimRow);
}

/** Types `text` into the terminal, as a user would (trusted key events). */
export async function type(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
}

/**
 * Types `command` and Enter at the prompt, waits for the next prompt and returns the lines the
 * command printed (between its own line and the new prompt). Fails with the screen on a timeout.
 */
export async function runCommand(page: Page, command: string, opts: { timeout?: number } = {}): Promise<string[]> {
  await waitForPrompt(page);
  const id = await mark(page);
  await type(page, command);
  await page.keyboard.press('Enter');
  const end = await waitForPrompt(page, { afterMark: id, timeout: opts.timeout });
  const from = await markRow(page, id);
  const lines = await logicalLines(page, from < 0 ? 0 : from, end);
  // The first logical line is the command as typed after the prompt.
  if (from >= 0) lines.shift();
  return lines;
}
