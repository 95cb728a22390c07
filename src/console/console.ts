// mountConsole: the page's console, put together. Creates the xterm.js terminal in its element
// (dark theme, web links, copy/paste shortcuts), keeps its size following the element, attaches
// it to the kernel's console, starts the status line and publishes window.wasmvisorConsole. When
// the machine is not the stored one (another tab holds it, IndexedDB is unavailable), the kernel's
// note saying why is printed once, in yellow, above the shell's first prompt.
import '@xterm/xterm/css/xterm.css';
import { Terminal } from '@xterm/xterm';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { WasmvisorClient } from '../client.js';
import { installClipboard } from './clipboard.js';
import { followElementSize } from './fit.js';
import { type ConsoleHandle, screenHandle } from './screen.js';
import { ConsoleSession } from './session.js';
import { StatusLine } from './status_line.js';
import { LIGHT_THEME, TERMINAL_OPTIONS } from './theme.js';

export interface MountedConsole extends ConsoleHandle {
  /** Resolves once the shell is attached to the terminal. */
  readonly attached: Promise<void>;
  /** Sends keystrokes to the shell as if typed (works in a read-only console too). */
  type(text: string): Promise<void>;
}

export interface ConsoleOptions {
  /** No typing: keystrokes are not sent (the page may still type with `type`). */
  readonly?: boolean;
  theme?: 'dark' | 'light';
  /** Settles before the shell starts: what the page prints first (notes, load progress). */
  before?: (term: Terminal) => Promise<unknown>;
}

/**
 * Opens the console in `element` (which it fills) and attaches it to `client`'s kernel. The figures
 * of the status line go into `statusElement` when given. The terminal takes the focus.
 */
export function mountConsole(
  element: HTMLElement, client: WasmvisorClient, statusElement?: HTMLElement | null, opts: ConsoleOptions = {},
): MountedConsole {
  const term = new Terminal({
    ...TERMINAL_OPTIONS,
    ...(opts.theme === 'light' ? { theme: LIGHT_THEME } : {}),
    ...(opts.readonly ? { disableStdin: true, cursorBlink: false } : {}),
  });
  term.loadAddon(new WebLinksAddon((event, uri) => {
    event.preventDefault();
    window.open(uri, '_blank', 'noopener,noreferrer');
  }));
  term.open(element);
  installClipboard(term);
  followElementSize(term, element);

  const session = new ConsoleSession(term, client.console);
  const note = showMachineNote(term, client);
  const attached = session.attach(opts.before ? note.then(() => opts.before!(term)).catch(() => {}) : note);
  attached.then(
    () => term.focus(),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      term.write(`\x1b[1;31mwasmvisor: the console could not start: ${message}\x1b[0m\r\n`);
    },
  );

  if (statusElement) {
    const statusLine = new StatusLine(statusElement, () => client.status());
    client.ready.then(() => statusLine.start(), () => {});
  }

  // A click anywhere in the frame (e.g. the padding around the rows) focuses the terminal.
  element.addEventListener('mousedown', (event) => {
    if (event.target === element) {
      event.preventDefault();
      term.focus();
    }
  });
  term.focus();

  const handle = screenHandle(term, session);
  window.wasmvisorConsole = handle;
  return { ...handle, attached, type: (text) => attached.then(() => client.console.input(text)) };
}

/**
 * One line from the page (not from a program) in the terminal: "wasmvisor: TEXT", yellow for a
 * note, red for an error; control characters in TEXT are shown as spaces.
 */
export function writeNote(term: Terminal, text: string, color: 'yellow' | 'red' = 'yellow'): void {
  term.write(`\x1b[${color === 'red' ? 31 : 33}mwasmvisor: ${text.replace(/[\x00-\x1f\x7f]/g, ' ')}\x1b[0m\r\n`);
}

/**
 * Prints the kernel's note about where the machine lives (status().machineNote), if any, once as a
 * yellow line. Settles when done (or when the kernel did not answer); never rejects.
 */
function showMachineNote(term: Terminal, client: WasmvisorClient, waitMs = 3000): Promise<void> {
  const note = client.ready
    .then(() => client.status())
    .then((s) => {
      if (s.machineNote) writeNote(term, s.machineNote);
    })
    .catch(() => {});
  // A kernel slow to answer status() does not hold the shell back for long (the note is then
  // printed wherever the output has got to, still once).
  return client.ready.then(
    () => Promise.race([note, new Promise<void>((resolve) => setTimeout(resolve, waitMs))]),
    () => {},
  );
}
