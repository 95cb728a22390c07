// Pty: a pseudo-terminal pair. The master is the console (xterm.js in the page): keystrokes come
// in through masterInput, output leaves in batches through the attached sink, and the console
// acknowledges what it has rendered. The slave is a FileDescription (TtyDescription) that
// programs read and write as their stdin/stdout/stderr and as /dev/tty. Output is flow
// controlled: while more than HIGH_WATER bytes are queued or unacknowledged, writers block, so a
// program printing megabytes runs at the speed the screen can take them.
import { Errno, fail } from '../errors/errno.js';
import { FileType, StatusFlags } from '../vfs/file_type.js';
import { Signal } from '../kernel/signals.js';
import { WaitQueue } from '../waiter/wait_queue.js';
import { FileDescription, type Readiness } from '../vfs/file_description.js';
import { nowNs, type Stat } from '../vfs/inode.js';
import { LineDiscipline } from './line_discipline.js';

/** Output held back (queued + sent but not rendered) before writers block. */
export const HIGH_WATER = 1024 * 1024;
/** Largest batch handed to the console at once. */
export const MAX_BATCH = 256 * 1024;

let nextPtyIno = 1n << 48n;

export class Pty {
  readonly ld: LineDiscipline;
  cols = 80;
  rows = 24;
  /** Process group that gets Ctrl-C and may read the terminal. */
  foregroundPgid = 0;
  /** Notified when input arrives, output room frees up, or the size changes. */
  readonly changed = new WaitQueue();
  readonly ino = nextPtyIno++;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private unacked = 0;
  private sink: ((chunk: Uint8Array) => void) | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private rendering = false;
  /** Called when the console starts or stops having output to render (it is then busy). */
  onRenderingChange: (rendering: boolean) => void = () => {};

  constructor(private readonly signalGroup: (pgid: number, sig: Signal) => void) {
    this.ld = new LineDiscipline({
      echo: (b) => this.enqueue(b),
      signal: (sig) => {
        if (this.foregroundPgid) this.signalGroup(this.foregroundPgid, sig);
      },
      readable: () => this.changed.notify(),
    });
  }

  /** Connects the console; output queued so far is delivered. */
  attach(sink: (chunk: Uint8Array) => void): void {
    this.sink = sink;
    this.unacked = 0;
    this.scheduleFlush(true);
  }

  /** Keystrokes from the console. */
  masterInput(data: Uint8Array): void {
    this.ld.input(data);
  }

  /** The console rendered n bytes. */
  ack(n: number): void {
    this.unacked = Math.max(0, this.unacked - n);
    this.noteRendering();
    this.scheduleFlush(true);
    this.changed.notify();
  }

  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > 10000 || rows > 10000) {
      fail(Errno.INVAL, `bad terminal size ${cols}x${rows}`);
    }
    this.cols = cols;
    this.rows = rows;
    this.changed.notify();
  }

  /** True while writers may add output without waiting. */
  get hasRoom(): boolean {
    return this.queuedBytes + this.unacked < HIGH_WATER;
  }

  /** Output from a program (already through the line discipline). */
  write(data: Uint8Array): number | Promise<number> {
    const processed = this.ld.processOutput(data);
    if (this.hasRoom) {
      this.enqueue(processed.buffer === data.buffer ? processed.slice() : processed);
      return data.length;
    }
    return (async () => {
      while (!this.hasRoom) await this.changed.wait();
      this.enqueue(processed.buffer === data.buffer ? processed.slice() : processed);
      return data.length;
    })();
  }

  private enqueue(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queued.push(bytes);
    this.queuedBytes += bytes.length;
    this.scheduleFlush(this.queuedBytes >= 64 * 1024);
  }

  private scheduleFlush(now: boolean): void {
    if (now) {
      if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flush();
      return;
    }
    if (this.flushTimer === undefined) this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, 4);
  }

  private flush(): void {
    const sink = this.sink;
    if (!sink) return;
    while (this.queuedBytes > 0 && this.unacked < HIGH_WATER) {
      let size = 0;
      let n = 0;
      while (n < this.queued.length && size + this.queued[n]!.length <= MAX_BATCH) size += this.queued[n++]!.length;
      if (n === 0) {
        n = 1;
        size = this.queued[0]!.length;
      }
      const batch = new Uint8Array(size);
      let off = 0;
      for (const c of this.queued.splice(0, n)) {
        batch.set(c, off);
        off += c.length;
      }
      this.queuedBytes -= size;
      this.unacked += size;
      sink(batch);
    }
    this.noteRendering();
  }

  private noteRendering(): void {
    const now = this.unacked > 0;
    if (now === this.rendering) return;
    this.rendering = now;
    this.onRenderingChange(now);
  }

  /** A new open file description of the slave side. */
  openSlave(): TtyDescription {
    return new TtyDescription(this);
  }
}

/** The slave side of a Pty: a terminal as programs see it. */
export class TtyDescription extends FileDescription {
  readonly filetype = FileType.CHARACTER_DEVICE;
  private readonly t = nowNs();

  constructor(readonly pty: Pty) {
    super(null);
  }

  override get isTerminal(): boolean {
    return true;
  }

  override read(iovs: Uint8Array[]): number | Promise<number> {
    const want = iovs.reduce((n, v) => n + v.length, 0);
    if (want === 0) return 0;
    const got = this.pty.ld.read(want);
    if (got) return scatter(got, iovs);
    if (this.statusFlags & StatusFlags.NONBLOCK) fail(Errno.AGAIN);
    return (async () => {
      for (;;) {
        await this.pty.changed.wait();
        const chunk = this.pty.ld.read(want);
        if (chunk) return scatter(chunk, iovs);
      }
    })();
  }

  override write(iovs: Uint8Array[]): number | Promise<number> {
    if (iovs.length === 1) return this.pty.write(iovs[0]!);
    const total = iovs.reduce((n, v) => n + v.length, 0);
    const joined = new Uint8Array(total);
    let off = 0;
    for (const v of iovs) {
      joined.set(v, off);
      off += v.length;
    }
    return this.pty.write(joined);
  }

  override stat(): Stat {
    return { dev: 0n, ino: this.pty.ino, filetype: FileType.CHARACTER_DEVICE, nlink: 1n, size: 0n, atim: this.t, mtim: this.t, ctim: this.t };
  }

  override readReadiness(): Readiness {
    return { ready: this.pty.ld.readable, nbytes: BigInt(this.pty.ld.available), hangup: false };
  }

  override writeReadiness(): Readiness {
    return { ready: this.pty.hasRoom, nbytes: 0n, hangup: false };
  }

  override watch(cb: () => void): () => void {
    return this.pty.changed.once(cb);
  }
}

function scatter(src: Uint8Array, iovs: Uint8Array[]): number {
  let off = 0;
  for (const iov of iovs) {
    if (off >= src.length) break;
    const n = Math.min(iov.length, src.length - off);
    iov.set(src.subarray(off, off + n));
    off += n;
  }
  return off;
}
