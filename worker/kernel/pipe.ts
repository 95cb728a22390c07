// Pipe: a kernel pipe (Linux's pipe(2)): a bounded ring buffer with a read end and a write end.
// Readers block while it is empty and a writer remains (end of file once the last writer
// closes); writers block while it is full and a reader remains (EPIPE once the last reader
// closes). Both ends report readiness for poll_oneoff.
import { Errno, fail } from '../errors/errno.js';
import { FileType, StatusFlags } from '../vfs/file_type.js';
import { FileDescription, type Readiness } from '../vfs/file_description.js';
import { nowNs, type Stat } from '../vfs/inode.js';
import { WaitQueue } from '../waiter/wait_queue.js';

/** Default capacity, like Linux's 16 pages. */
export const PIPE_CAPACITY = 64 * 1024;

let nextPipeIno = 1n;

export class Pipe {
  private readonly buf: Uint8Array;
  private head = 0; // next byte to read
  private len = 0;
  readers = 0;
  writers = 0;
  readonly ino = nextPipeIno++;
  readonly created = nowNs();
  /** Wakes blocked readers/writers and pollers whenever state changes. */
  readonly changed = new WaitQueue();
  readonly readEnd: PipeReadEnd;
  readonly writeEnd: PipeWriteEnd;

  constructor(readonly capacity = PIPE_CAPACITY) {
    this.buf = new Uint8Array(capacity);
    this.readEnd = new PipeReadEnd(this);
    this.writeEnd = new PipeWriteEnd(this);
  }

  get available(): number {
    return this.len;
  }
  get space(): number {
    return this.capacity - this.len;
  }

  /** Copies buffered bytes into iovs; returns how many. */
  take(iovs: Uint8Array[]): number {
    let total = 0;
    for (const iov of iovs) {
      let off = 0;
      while (off < iov.length && this.len > 0) {
        const run = Math.min(iov.length - off, this.len, this.capacity - this.head);
        iov.set(this.buf.subarray(this.head, this.head + run), off);
        this.head = (this.head + run) % this.capacity;
        this.len -= run;
        off += run;
      }
      total += off;
      if (this.len === 0) break;
    }
    if (total > 0) this.changed.notify();
    return total;
  }

  /** Copies as much of src as fits; returns how many bytes. */
  put(src: Uint8Array): number {
    let off = 0;
    while (off < src.length && this.len < this.capacity) {
      const tail = (this.head + this.len) % this.capacity;
      const run = Math.min(src.length - off, this.capacity - this.len, this.capacity - tail);
      this.buf.set(src.subarray(off, off + run), tail);
      this.len += run;
      off += run;
    }
    if (off > 0) this.changed.notify();
    return off;
  }

  stat(): Stat {
    return {
      dev: 0n, ino: this.ino, filetype: FileType.FIFO, nlink: 1n, size: BigInt(this.len),
      atim: this.created, mtim: this.created, ctim: this.created,
    };
  }
}

export class PipeReadEnd extends FileDescription {
  // A FIFO to the kernel; WASI, which has no FIFO type, sees UNKNOWN (as uvwasi reports pipes).
  readonly filetype = FileType.FIFO;
  constructor(readonly pipe: Pipe) {
    super(null);
    pipe.readers++;
  }
  private bindRefs = true;

  override read(iovs: Uint8Array[]): number | Promise<number> {
    const want = iovs.reduce((n, v) => n + v.length, 0);
    if (want === 0) return 0;
    if (this.pipe.available > 0) return this.pipe.take(iovs);
    if (this.pipe.writers === 0) return 0;
    if (this.statusFlags & StatusFlags.NONBLOCK) fail(Errno.AGAIN);
    return this.blockingRead(iovs);
  }

  private async blockingRead(iovs: Uint8Array[]): Promise<number> {
    while (this.pipe.available === 0 && this.pipe.writers > 0) await this.pipe.changed.wait();
    return this.pipe.available > 0 ? this.pipe.take(iovs) : 0;
  }

  override stat(): Stat {
    return this.pipe.stat();
  }

  override readReadiness(): Readiness {
    const p = this.pipe;
    return { ready: p.available > 0 || p.writers === 0, nbytes: BigInt(p.available), hangup: p.writers === 0 };
  }

  override watch(cb: () => void): () => void {
    return this.pipe.changed.once(cb);
  }

  override release(): void {
    if (!this.bindRefs) return;
    this.bindRefs = false;
    this.pipe.readers--;
    this.pipe.changed.notify();
  }
}

export class PipeWriteEnd extends FileDescription {
  readonly filetype = FileType.FIFO;
  constructor(readonly pipe: Pipe) {
    super(null);
    pipe.writers++;
  }
  private bindRefs = true;

  override write(iovs: Uint8Array[]): number | Promise<number> {
    const p = this.pipe;
    if (p.readers === 0) fail(Errno.PIPE);
    let total = 0;
    let i = 0;
    let off = 0;
    for (; i < iovs.length; i++, off = 0) {
      const iov = iovs[i]!;
      const n = p.put(iov);
      total += n;
      off = n;
      if (n < iov.length) break;
    }
    if (i === iovs.length) return total;
    if (this.statusFlags & StatusFlags.NONBLOCK) {
      if (total === 0) fail(Errno.AGAIN);
      return total;
    }
    return this.blockingWrite(iovs, i, off, total);
  }

  private async blockingWrite(iovs: Uint8Array[], i: number, off: number, total: number): Promise<number> {
    const p = this.pipe;
    for (; i < iovs.length; i++, off = 0) {
      const iov = iovs[i]!;
      while (off < iov.length) {
        if (p.readers === 0) {
          if (total > 0) return total;
          fail(Errno.PIPE);
        }
        if (p.space === 0) {
          await p.changed.wait();
          continue;
        }
        const n = p.put(iov.subarray(off));
        off += n;
        total += n;
      }
    }
    return total;
  }

  override stat(): Stat {
    return this.pipe.stat();
  }

  override writeReadiness(): Readiness {
    const p = this.pipe;
    return { ready: p.space > 0 || p.readers === 0, nbytes: BigInt(p.space), hangup: p.readers === 0 };
  }

  override watch(cb: () => void): () => void {
    return this.pipe.changed.once(cb);
  }

  override release(): void {
    if (!this.bindRefs) return;
    this.bindRefs = false;
    this.pipe.writers--;
    this.pipe.changed.notify();
  }
}
