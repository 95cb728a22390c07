// The console's look: a dark theme (and a light one for embeds, theme=light) and a monospace font,
// as xterm.js options. Only constants here;
// the page's CSS (index.html) uses the same background so the terminal blends into its frame.
import type { ITerminalOptions, ITheme } from '@xterm/xterm';

/** The terminal's background; the frame around it uses it too. */
export const BACKGROUND = '#101418';

/** A dark palette (the 16 ANSI colours tuned for a near-black background). */
export const DARK_THEME: ITheme = {
  background: BACKGROUND,
  foreground: '#d7dde4',
  cursor: '#f0c674',
  cursorAccent: BACKGROUND,
  selectionBackground: '#3a5a80',
  black: '#1d2126',
  red: '#e06c75',
  green: '#98c379',
  yellow: '#e5c07b',
  blue: '#61afef',
  magenta: '#c678dd',
  cyan: '#56b6c2',
  white: '#d7dde4',
  brightBlack: '#5c6370',
  brightRed: '#ff7b86',
  brightGreen: '#b5e890',
  brightYellow: '#ffd68a',
  brightBlue: '#82c4ff',
  brightMagenta: '#de9bf0',
  brightCyan: '#7fd4de',
  brightWhite: '#ffffff',
};

/** A light palette (the ANSI colours darkened to read on white), for embeds with theme=light. */
export const LIGHT_THEME: ITheme = {
  background: '#ffffff',
  foreground: '#24292f',
  cursor: '#0969da',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6d7ff',
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#218bff',
  brightMagenta: '#a475f9',
  brightCyan: '#3192aa',
  brightWhite: '#8c959f',
};

/** The options every console terminal is created with. */
export const TERMINAL_OPTIONS: ITerminalOptions = {
  theme: DARK_THEME,
  fontFamily: '"JetBrains Mono", "Fira Code", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  fontSize: 14,
  lineHeight: 1.15,
  cursorBlink: true,
  cursorStyle: 'block',
  cursorInactiveStyle: 'outline',
  // Enough to scroll back through a long listing; bounded, so a program printing megabytes does
  // not grow the page's memory without end.
  scrollback: 5000,
  rightClickSelectsWord: true,
  macOptionIsMeta: true,
  screenReaderMode: false,
};
