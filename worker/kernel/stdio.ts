// Stream descriptions for a task's standard streams when they are not a terminal or a pipe:
// BufferSource (stdin given as bytes up front, then end of file), BufferSink (output collected
// for the caller of api.run, or handed to a callback as it is written) and StreamSink (output
// streamed in chunks to the caller of api.spawn, holding the writer when the consumer lags).
import { Errno, fail } from '../errors/errno.js';
import { FileType } from '../vfs/file_type.js';
import { FileDescription, type Readiness } from '../vfs/file_description.js';
import { nowNs, type Stat } from '../vfs/inode.js';
import { concatBytes } from '../vfs/read_all.js';
import { WaitQueue } from '../waiter/wait_queue.js';

let nextStreamIno = 1n << 40n;

function streamStat(ino: bigint, size: number): Stat {
  const t = nowNs();
  return { dev: 0n, ino, filetype: FileType.FIFO, nlink: 1n, size: BigInt(size), atim: t, mtim: t, ctim: t };
}

/** Reads the given bytes, then end of file. Not writable, not seekable. */
export class BufferSource extends FileDescription {
  // Like a pipe: not a terminal, so programs buffer their output.
  readonly filetype = FileType.FIFO;
  private readonly ino = nextStreamIno++;
  private off = 0;
  constructor(private readonly data: Uint8Array) {
    super(null);
  }
  override read(iovs: Uint8Array[]): number {
    let total = 0;
    for (const iov of iovs) {
      const n = Math.min(iov.length, this.data.length - this.off);
      iov.set(this.data.subarray(this.off, this.off + n));
      this.off += n;
      total += n;
      if (n < iov.length) break;
    }
    return total;
  }
  override write(): number {
    fail(Errno.BADF);
  }
  override stat(): Stat {
    return streamStat(this.ino, 0);
  }
  override readReadiness(): Readiness {
    return { ready: true, nbytes: BigInt(this.data.length - this.off), hangup: this.off >= this.data.length };
  }
}

/** Collects everything written (or passes each write to onData). Not readable. */
export class BufferSink extends FileDescription {
  // Like a pipe: not a terminal, so programs buffer their output.
  readonly filetype = FileType.FIFO;
  private readonly ino = nextStreamIno++;
  private readonly chunks: Uint8Array[] = [];
  private bytes = 0;
  constructor(private readonly onData?: (chunk: Uint8Array) => void, private readonly limit = 256 * 1024 * 1024) {
    super(null);
  }
  override write(iovs: Uint8Array[]): number {
    let total = 0;
    for (const iov of iovs) {
      if (iov.length === 0) continue;
      if (this.bytes + iov.length > this.limit && !this.onData) fail(Errno.FBIG, 'output limit reached');
      const copy = iov.slice(); // process memory is shared and changes after we return
      if (this.onData) this.onData(copy);
      else this.chunks.push(copy);
      this.bytes += copy.length;
      total += copy.length;
    }
    return total;
  }
  override read(): number {
    fail(Errno.BADF);
  }
  override stat(): Stat {
    return streamStat(this.ino, 0);
  }
  /** Everything collected so far, as one buffer. */
  contents(): Uint8Array {
    return concatBytes(this.chunks, this.bytes);
  }
}

/**
 * Hands what is written to `deliver` as it happens (the stdout/stderr of a spawned process):
 * writes that come close together go out as one chunk (at 64 KiB, or when the kernel's event
 * loop next turns). `deliver` may return a promise; while more than `highWater` bytes are
 * delivered and not yet settled, writers wait, so a slow consumer holds the program back instead
 * of piling up its output. Not readable.
 */
export class StreamSink extends FileDescription {
  readonly filetype = FileType.FIFO;
  private readonly ino = nextStreamIno++;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly settled = new WaitQueue();

  constructor(
    private readonly deliver: (chunk: Uint8Array) => void | Promise<void>,
    private readonly highWater = 1024 * 1024,
    private readonly batchBytes = 64 * 1024,
  ) {
    super(null);
  }

  override write(iovs: Uint8Array[]): number | Promise<number> {
    let total = 0;
    for (const iov of iovs) {
      if (iov.length === 0) continue;
      this.pending.push(iov.slice()); // process memory is shared and changes after we return
      this.pendingBytes += iov.length;
      total += iov.length;
    }
    if (this.pendingBytes >= this.batchBytes) this.flush();
    else if (this.pendingBytes > 0 && this.timer === null) this.timer = setTimeout(() => this.flush(), 0);
    if (this.inFlight + this.pendingBytes <= this.highWater) return total;
    return this.room().then(() => total);
  }

  /** Delivers what is pending now (the exit event must come after the last output). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pendingBytes === 0) return;
    const chunk = concatBytes(this.pending, this.pendingBytes);
    const n = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.inFlight += n;
    const done = (): void => {
      this.inFlight -= n;
      this.settled.notify();
    };
    let result: void | Promise<void>;
    try {
      result = this.deliver(chunk);
    } catch {
      result = undefined; // a consumer that throws loses the chunk, not the program
    }
    if (result && typeof (result as Promise<void>).then === 'function') (result as Promise<void>).then(done, done);
    else done();
  }

  private async room(): Promise<void> {
    this.flush();
    while (this.inFlight > this.highWater) await this.settled.wait();
  }

  override read(): number {
    fail(Errno.BADF);
  }
  override stat(): Stat {
    return streamStat(this.ino, 0);
  }
}
