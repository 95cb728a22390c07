// LineDiscipline: what sits between a terminal's keyboard/screen and the programs reading and
// writing it (Linux's n_tty). In canonical mode it assembles lines with erase (Backspace), kill
// (Ctrl-U) and word erase (Ctrl-W), echoes what is typed, turns Ctrl-C / Ctrl-\ into SIGINT /
// SIGQUIT for the foreground process group and Ctrl-D into end of file. On output it turns "\n"
// into "\r\n". Pure logic with no kernel dependencies, so it is tested on its own.
import { Signal } from '../kernel/signals.js';

export interface Termios {
  /** Canonical mode: input is delivered a line at a time, with line editing. */
  icanon: boolean;
  /** Echo input back to the terminal. */
  echo: boolean;
  /** Ctrl-C / Ctrl-\ generate signals. */
  isig: boolean;
  /** Map CR to NL on input. */
  icrnl: boolean;
  /** Map NL to CR-NL on output. */
  onlcr: boolean;
}

export const DEFAULT_TERMIOS: Termios = { icanon: true, echo: true, isig: true, icrnl: true, onlcr: true };

export interface LineDisciplineHooks {
  /** Bytes to show on the terminal (echo), already output-processed. */
  echo(bytes: Uint8Array): void;
  /** A signal for the foreground process group. */
  signal(sig: Signal): void;
  /** Input became readable (or end of file arrived). */
  readable(): void;
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BS = 0x08;
const CTRL_U = 0x15;
const CTRL_W = 0x17;
const CTRL_BACKSLASH = 0x1c;
const DEL = 0x7f;
const NL = 0x0a;
const CR = 0x0d;

const encoder = new TextEncoder();

/** Longest line kept in canonical mode (Linux's N_TTY_BUF_SIZE). */
export const MAX_CANON = 4096;

export class LineDiscipline {
  termios: Termios = { ...DEFAULT_TERMIOS };
  /** The line being edited (canonical mode). */
  private line: number[] = [];
  /** Completed input waiting to be read: byte chunks, `null` = an end-of-file mark. */
  private queue: Array<Uint8Array | null> = [];
  private queuedBytes = 0;

  constructor(private readonly hooks: LineDisciplineHooks) {}

  /** Bytes (or an EOF mark) a read could take now. */
  get readable(): boolean {
    return this.queue.length > 0;
  }

  get available(): number {
    return this.queuedBytes;
  }

  /** Characters typed at the terminal (mapCr: apply icrnl; false when replaying raw input). */
  input(data: Uint8Array, mapCr = true): void {
    const t = this.termios;
    const before = this.queue.length;
    for (let i = 0; i < data.length; i++) {
      let c = data[i]!;
      if (t.icrnl && mapCr && c === CR) c = NL;
      if (t.isig && (c === CTRL_C || c === CTRL_BACKSLASH)) {
        this.line = [];
        if (t.echo) this.hooks.echo(encoder.encode(c === CTRL_C ? '^C\r\n' : '^\\\r\n'));
        this.hooks.signal(c === CTRL_C ? Signal.INT : Signal.QUIT);
        continue;
      }
      if (!t.icanon) {
        this.push(Uint8Array.of(c));
        if (t.echo) this.echoByte(c);
        continue;
      }
      switch (c) {
        case DEL:
        case BS:
          this.erase(1);
          break;
        case CTRL_U:
          this.erase(this.line.length);
          break;
        case CTRL_W: {
          let n = 0;
          let k = this.line.length;
          while (k > 0 && this.line[k - 1] === 0x20) k--, n++;
          while (k > 0 && this.line[k - 1] !== 0x20) k--, n++;
          this.eraseBytes(n);
          break;
        }
        case CTRL_D:
          if (this.line.length === 0) this.queue.push(null);
          else this.flushLine();
          break;
        case NL:
          this.line.push(NL);
          if (t.echo) this.hooks.echo(encoder.encode('\r\n'));
          this.flushLine();
          break;
        default:
          if (this.line.length >= MAX_CANON - 1) break; // full: drop, like Linux
          this.line.push(c);
          if (t.echo) this.echoByte(c);
      }
    }
    if (this.queue.length !== before) this.hooks.readable();
  }

  /**
   * Takes up to max bytes of completed input. Returns null when nothing is ready (the reader
   * should wait), an empty array for end of file.
   */
  read(max: number): Uint8Array | null {
    const head = this.queue[0];
    if (head === undefined) return null;
    if (head === null) {
      this.queue.shift();
      return new Uint8Array(0);
    }
    if (head.length <= max) {
      this.queue.shift();
      this.queuedBytes -= head.length;
      return head;
    }
    this.queue[0] = head.subarray(max);
    this.queuedBytes -= max;
    return head.subarray(0, max);
  }

  /** Output from programs: NL becomes CR-NL when onlcr is set. */
  processOutput(data: Uint8Array): Uint8Array {
    if (!this.termios.onlcr) return data;
    let nl = 0;
    for (let i = 0; i < data.length; i++) if (data[i] === NL) nl++;
    if (nl === 0) return data;
    const out = new Uint8Array(data.length + nl);
    let j = 0;
    for (let i = 0; i < data.length; i++) {
      const c = data[i]!;
      if (c === NL) out[j++] = CR;
      out[j++] = c;
    }
    return out;
  }

  /**
   * Changes the mode. Input typed ahead in raw mode and not read yet is processed again under
   * the new settings (so a line typed while the shell was still editing in raw mode reaches the
   * next program as a canonical line, with its Ctrl-D still meaning end of file).
   */
  setTermios(t: Termios): void {
    const wasRaw = !this.termios.icanon;
    this.termios = { ...t };
    if (wasRaw && t.icanon && this.queue.length > 0) {
      const pending = this.queue.filter((c): c is Uint8Array => c !== null);
      this.queue = [];
      this.queuedBytes = 0;
      for (const c of pending) this.input(c, false);
    }
  }

  /** Puts bytes back in front of the input (a reader took more than it used). */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.unshift(bytes);
    this.queuedBytes += bytes.length;
    this.hooks.readable();
  }

  /** Drops pending input (a signal flushes the queue, as Linux does without NOFLSH). */
  flushInput(): void {
    this.line = [];
    this.queue = [];
    this.queuedBytes = 0;
  }

  private push(chunk: Uint8Array): void {
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
  }

  private flushLine(): void {
    this.push(Uint8Array.from(this.line));
    this.line = [];
  }

  private echoByte(c: number): void {
    if (c < 0x20 && c !== NL && c !== 0x09) {
      this.hooks.echo(Uint8Array.of(0x5e, c + 0x40)); // ^X
    } else if (c === NL) {
      this.hooks.echo(encoder.encode('\r\n'));
    } else {
      this.hooks.echo(Uint8Array.of(c));
    }
  }

  /** Erases n characters (a UTF-8 sequence counts as one). */
  private erase(chars: number): void {
    let bytes = 0;
    let k = this.line.length;
    for (let n = 0; n < chars && k > 0; n++) {
      k--;
      bytes++;
      while (k > 0 && (this.line[k]! & 0xc0) === 0x80) k--, bytes++;
    }
    this.eraseBytes(bytes);
  }

  private eraseBytes(bytes: number): void {
    if (bytes === 0) return;
    const removed = this.line.splice(this.line.length - bytes, bytes);
    if (!this.termios.echo) return;
    // One "\b \b" per character shown: count non-continuation bytes (control chars echo as two).
    let cols = 0;
    for (const b of removed) {
      if ((b & 0xc0) === 0x80) continue;
      cols += b < 0x20 && b !== 0x09 ? 2 : 1;
    }
    this.hooks.echo(encoder.encode('\b \b'.repeat(cols)));
  }
}
