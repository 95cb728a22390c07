// A container's log: LogSink is the description a detached container's stdout and stderr point
// at — every write goes to its log file in the machine's file system (so `logs` works after a
// reload) and to a bounded in-memory copy; TeeSink sends an attached container's output to its
// terminal (or stream) and to the log alike.
import { FileType } from '../vfs/file_type.js';
import { FileDescription, type Readiness } from '../vfs/file_description.js';
import type { Stat } from '../vfs/inode.js';
import { concatBytes } from '../vfs/read_all.js';

/** Bytes of log a running container keeps in memory (the file keeps everything). */
const MEMORY_TAIL = 4 * 1024 * 1024;

export class LogSink extends FileDescription {
  readonly filetype = FileType.FIFO;
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private dropped = false;

  constructor(private readonly file: FileDescription | null) {
    super(null);
  }

  /** Appends bytes that were written (a copy: process memory changes after the call). */
  record(iovs: Uint8Array[]): void {
    for (const iov of iovs) {
      if (iov.length === 0) continue;
      const copy = iov.slice();
      this.chunks.push(copy);
      this.bytes += copy.length;
      try {
        this.file?.write([copy]);
      } catch {
        // A full or failing store must not stop the program: the memory copy still has it.
      }
    }
    while (this.bytes > MEMORY_TAIL && this.chunks.length > 1) {
      this.bytes -= this.chunks.shift()!.length;
      this.dropped = true;
    }
  }

  override write(iovs: Uint8Array[]): number {
    this.record(iovs);
    let n = 0;
    for (const v of iovs) n += v.length;
    return n;
  }

  override stat(): Stat {
    const t = BigInt(Date.now()) * 1000000n;
    return { dev: 0n, ino: 0n, filetype: FileType.FIFO, nlink: 1n, size: 0n, atim: t, mtim: t, ctim: t };
  }

  /** What is in memory (the last 4 MiB at most; the log file has it all). */
  contents(): Uint8Array {
    if (this.dropped && this.file?.inode) {
      // Read the whole file back rather than show a cut log.
      try {
        const size = Number(this.file.inode.stat().size);
        const out = new Uint8Array(size);
        const n = this.file.pread([out], 0);
        return out.subarray(0, n);
      } catch {
        // fall back to the tail in memory
      }
    }
    return concatBytes(this.chunks, this.bytes);
  }

  close(): void {
    if (this.file && --this.file.refs <= 0) this.file.release();
  }

  /** Takes a reference on the log file for as long as the sink is open. */
  static open(file: FileDescription | null): LogSink {
    if (file) file.refs++;
    return new LogSink(file);
  }
}

/** Output to a terminal or stream that is also recorded in a container's log. */
export class TeeSink extends FileDescription {
  constructor(private readonly target: FileDescription, private readonly log: LogSink) {
    super(target.inode);
    target.refs++;
  }
  get filetype(): FileType {
    return this.target.filetype;
  }
  override get isTerminal(): boolean {
    return this.target.isTerminal;
  }
  override write(iovs: Uint8Array[]): number | Promise<number> {
    this.log.record(iovs);
    return this.target.write(iovs);
  }
  override read(iovs: Uint8Array[]): number | Promise<number> {
    return this.target.read(iovs);
  }
  override stat(): Stat {
    return this.target.stat();
  }
  override writeReadiness(): Readiness {
    return this.target.writeReadiness();
  }
  override readReadiness(): Readiness {
    return this.target.readReadiness();
  }
  override watch(cb: () => void): () => void {
    return this.target.watch(cb);
  }
  override release(): void {
    if (--this.target.refs === 0) this.target.release();
  }
}
