// FileDescription: an open file (Linux's `struct file`, gVisor's vfs.FileDescription): what an
// fd points at. Holds the kind-specific behaviour (read, write, seek, readdir, readiness for
// poll); the per-fd rights live in the FdTable entry. Every kind of open file (regular file,
// directory, device, pipe end, terminal) is a subclass with the same methods, like
// browser_wasi_shim's Fd classes. Defaults fail the way Linux does for the wrong kind.
import { Errno, fail } from '../errors/errno.js';
import { FileType, Whence } from './file_type.js';
import { WaitQueue } from '../waiter/wait_queue.js';
import type { Dirent, Inode, Stat } from './inode.js';

/** Readiness as poll_oneoff reports it. */
export interface Readiness {
  ready: boolean;
  /** Bytes available to read / space to write, as far as known. */
  nbytes: bigint;
  /** The other end is gone (pipe writer closed, reader closed). */
  hangup: boolean;
}

const ALWAYS_READY: Readiness = { ready: true, nbytes: 0n, hangup: false };

export abstract class FileDescription {
  /** statusFlags: APPEND, NONBLOCK, ... (fd_fdstat_set_flags). */
  statusFlags = 0;
  /** Number of fd table entries (in any task) pointing here; close() runs when it drops to 0. */
  refs = 0;
  /** Notified whenever readiness may have changed. */
  readonly readinessChanged = new WaitQueue();

  constructor(readonly inode: Inode | null) {}

  abstract readonly filetype: FileType;

  /** True for terminals (isatty). */
  get isTerminal(): boolean {
    return false;
  }

  /**
   * A host fd to which the program's writes here may be made directly, in program order (the
   * command's own stdout and stderr: a write is the host write and nothing else), or null.
   */
  get directWriteFd(): number | null {
    return null;
  }

  /**
   * A host fd from which the program's positioned reads of this description may be made
   * directly (a readable host file: pread has no side effect and no offset), or null.
   */
  get directReadFd(): number | null {
    return null;
  }

  /** Reads into the buffers in order; returns bytes read (0 = end of file). May block. */
  read(_iovs: Uint8Array[]): number | Promise<number> {
    fail(this.filetype === FileType.DIRECTORY ? Errno.ISDIR : Errno.BADF);
  }
  /** Writes the buffers in order; returns bytes written. May block. */
  write(_iovs: Uint8Array[]): number | Promise<number> {
    fail(this.filetype === FileType.DIRECTORY ? Errno.ISDIR : Errno.BADF);
  }
  /** Reads at offset (a number; >= 2^53 means "too large": EFBIG/EINVAL) without moving the offset. */
  pread(_iovs: Uint8Array[], _offset: number): number {
    fail(this.filetype === FileType.DIRECTORY ? Errno.ISDIR : Errno.SPIPE);
  }
  pwrite(_iovs: Uint8Array[], _offset: number): number {
    fail(this.filetype === FileType.DIRECTORY ? Errno.ISDIR : Errno.SPIPE);
  }
  /** Moves the offset; returns the new offset. */
  seek(_offset: number, _whence: Whence): number {
    fail(this.filetype === FileType.DIRECTORY ? Errno.ISDIR : Errno.SPIPE);
  }
  tell(): number {
    return this.seek(0, Whence.CUR);
  }
  stat(): Stat {
    if (!this.inode) fail(Errno.BADF);
    return this.inode.stat();
  }
  setSize(size: bigint): void {
    if (!this.inode) fail(Errno.INVAL);
    this.inode.truncate(size);
  }
  setTimes(atim: bigint | null, mtim: bigint | null): void {
    if (!this.inode) fail(Errno.INVAL);
    this.inode.setTimes(atim, mtim);
  }
  allocate(_offset: bigint, _len: bigint): void {
    fail(this.filetype === FileType.DIRECTORY ? Errno.ISDIR : Errno.SPIPE);
  }
  /** Makes the file's data and metadata durable; resolves (when async) once they are stored. */
  sync(): void | Promise<void> {}
  /** Makes the file's data durable. */
  datasync(): void | Promise<void> {}
  readdir(): Dirent[] {
    fail(Errno.NOTDIR);
  }
  /** Readiness for reading (poll_oneoff FD_READ). */
  readReadiness(): Readiness {
    return ALWAYS_READY;
  }
  /** Readiness for writing (poll_oneoff FD_WRITE). */
  writeReadiness(): Readiness {
    return ALWAYS_READY;
  }
  /**
   * Calls cb once, the next time readiness may have changed; returns a function that cancels.
   * poll_oneoff uses it to sleep until one of its subscriptions can make progress.
   */
  watch(cb: () => void): () => void {
    return this.readinessChanged.once(cb);
  }
  /** Called once when the last fd referring to this description is closed. */
  release(): void {}
}
