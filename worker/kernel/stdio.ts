// Stream descriptions for a task's standard streams when they are not a terminal or a pipe:
// BufferSource (stdin given as bytes up front, then end of file) and BufferSink (output
// collected for the caller of api.run, or handed to a callback as it is written).
import { Errno, fail } from '../errors/errno.js';
import { FileType } from '../vfs/file_type.js';
import { FileDescription, type Readiness } from '../vfs/file_description.js';
import { nowNs, type Stat } from '../vfs/inode.js';
import { concatBytes } from '../vfs/read_all.js';

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
