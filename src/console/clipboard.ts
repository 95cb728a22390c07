// Copy and paste for the console. The browser's own copy and paste (its menus, Cmd+C/Cmd+V on
// macOS) already reach xterm.js through the copy and paste events of the terminal's element, and
// a paste becomes input through term.onData like keystrokes. This adds the terminal-style
// shortcuts, since Ctrl+C and Ctrl+V alone belong to the program (SIGINT, literal next):
//   Ctrl+Shift+C  copies the selection;   Ctrl+Shift+V  pastes the clipboard.
import type { IDisposable, Terminal } from '@xterm/xterm';

function isShortcut(event: KeyboardEvent, key: 'c' | 'v'): boolean {
  return event.ctrlKey && event.shiftKey && !event.altKey && !event.metaKey && event.key.toLowerCase() === key;
}

/** Writes text to the system clipboard; falls back to a copy event (which xterm.js fills in). */
function copy(term: Terminal): void {
  const text = term.getSelection();
  const viaCopyEvent = (): void => {
    document.execCommand('copy');
  };
  if (typeof navigator.clipboard?.writeText === 'function') {
    navigator.clipboard.writeText(text).catch(viaCopyEvent);
  } else {
    viaCopyEvent();
  }
}

/**
 * Installs the copy/paste shortcuts on `term` (call after term.open). Ctrl+Shift+V is left to the
 * browser, which turns it into a paste event (Chromium and Firefox: "paste as plain text") that
 * xterm.js handles without any clipboard permission; where no paste event follows, the clipboard
 * is read with navigator.clipboard.readText and pasted with term.paste.
 */
export function installClipboard(term: Terminal): IDisposable {
  let pasteAwaited = 0;
  const onPaste = (): void => {
    pasteAwaited = 0;
  };
  term.element?.addEventListener('paste', onPaste, true);

  term.attachCustomKeyEventHandler((event) => {
    if (isShortcut(event, 'c')) {
      if (event.type === 'keydown') {
        event.preventDefault(); // not the browser's own Ctrl+Shift+C (inspect element)
        if (term.hasSelection()) copy(term);
      }
      return false; // never typed into the terminal
    }
    if (isShortcut(event, 'v')) {
      if (event.type === 'keydown') {
        const ticket = ++pasteAwaited;
        setTimeout(() => {
          if (pasteAwaited !== ticket) return; // the browser's paste event came (or a newer press)
          pasteAwaited = 0;
          navigator.clipboard?.readText?.().then(
            (text) => {
              if (text) term.paste(text);
            },
            () => {
              /* no permission to read the clipboard: the browser's paste still works */
            },
          );
        }, 100);
      }
      return false;
    }
    return true;
  });

  return {
    dispose: () => {
      term.element?.removeEventListener('paste', onPaste, true);
      term.attachCustomKeyEventHandler(() => true);
    },
  };
}
