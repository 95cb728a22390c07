// RegularFileDescription: an open regular file on any file system. The offset, append mode and
// seek rules live here once; the bytes live behind the FileData a file system provides (an
// in-memory buffer for tmpfs, a host fd for hostfs).
import { Errno, fail } from '../errors/errno.js';
import { FileType, StatusFlags, Whence } from './file_type.js';
import { FileDescription, type Readiness } from './file_description.js';
import type { Inode, OpenOptions } from './inode.js';

/** Largest file offset we accept (files live in memory or behind 2^53-safe host APIs). */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;

/** Byte storage of one regular file. Offsets are plain numbers (< 2^53). */
export interface FileData {
  dataSize(): number;
  /** Copies up to dst.length bytes from offset into dst; returns bytes copied. */
  readAt(dst: Uint8Array, offset: number): number;
  /** Writes all of src at offset, growing the file as needed; returns src.length. */
  writeAt(src: Uint8Array, offset: number): number;
  setDataSize(size: number): void;
  /** Makes sure [offset, offset+len) is allocated (fd_allocate): grows the file if needed. */
  allocate(offset: number, len: number): void;
  /** Makes the data durable; a Promise when that waits for storage (idbfs). */
  sync?(): void | Promise<void>;
  /** Called when the description is released (hostfs closes its host fd). */
  close?(): void;
}

export class RegularFileDescription extends FileDescription {
  readonly filetype = FileType.REGULAR_FILE;
  private offset = 0;

  constructor(
    inode: Inode,
    private readonly data: FileData,
    private readonly opts: OpenOptions,
    private readonly onModify?: () => void,
  ) {
    super(inode);
  }

  private checkOffset(n: number): number {
    if (n < 0) fail(Errno.INVAL);
    if (n > MAX_FILE_SIZE) fail(Errno.FBIG);
    return n;
  }

  private readFrom(iovs: Uint8Array[], offset: number): number {
    if (!this.opts.read) fail(Errno.BADF);
    let total = 0;
    for (const iov of iovs) {
      if (iov.length === 0) continue;
      const n = this.data.readAt(iov, offset + total);
      total += n;
      if (n < iov.length) break;
    }
    return total;
  }

  private writeTo(iovs: Uint8Array[], offset: number): number {
    if (!this.opts.write) fail(Errno.BADF);
    let total = 0;
    for (const iov of iovs) total += iov.length;
    if (offset + total > MAX_FILE_SIZE) fail(Errno.FBIG);
    let at = offset;
    for (const iov of iovs) {
      if (iov.length === 0) continue;
      at += this.data.writeAt(iov, at);
    }
    if (total > 0) this.onModify?.();
    return total;
  }

  override read(iovs: Uint8Array[]): number {
    const n = this.readFrom(iovs, this.offset);
    this.offset += n;
    return n;
  }

  override write(iovs: Uint8Array[]): number {
    if (this.statusFlags & StatusFlags.APPEND) this.offset = this.data.dataSize();
    const n = this.writeTo(iovs, this.offset);
    this.offset += n;
    return n;
  }

  override pread(iovs: Uint8Array[], offset: number): number {
    return this.readFrom(iovs, this.checkOffset(offset));
  }

  override pwrite(iovs: Uint8Array[], offset: number): number {
    // POSIX says pwrite ignores O_APPEND for the position; Linux appends. We follow POSIX, as
    // wasi-libc's callers expect the position they passed.
    return this.writeTo(iovs, this.checkOffset(offset));
  }

  override seek(offset: number, whence: Whence): number {
    let base: number;
    switch (whence) {
      case Whence.SET: base = 0; break;
      case Whence.CUR: base = this.offset; break;
      case Whence.END: base = this.data.dataSize(); break;
      default: fail(Errno.INVAL);
    }
    const next = base + offset;
    if (next < 0) fail(Errno.INVAL);
    this.offset = this.checkOffset(next);
    return next;
  }

  override tell(): number {
    return this.offset;
  }

  override setSize(size: bigint): void {
    if (!this.opts.write) fail(Errno.BADF);
    if (size > BigInt(MAX_FILE_SIZE)) fail(Errno.FBIG);
    this.data.setDataSize(this.checkOffset(Number(size)));
    this.onModify?.();
  }

  override allocate(offset: bigint, len: bigint): void {
    if (!this.opts.write) fail(Errno.BADF);
    if (offset < 0n || len <= 0n) fail(Errno.INVAL);
    if (offset + len > BigInt(MAX_FILE_SIZE)) fail(Errno.FBIG);
    const end = this.checkOffset(Number(offset + len));
    this.data.allocate(Number(offset), end - Number(offset));
    this.onModify?.();
  }

  override sync(): void | Promise<void> {
    return this.data.sync?.();
  }
  override datasync(): void | Promise<void> {
    return this.data.sync?.();
  }

  override readReadiness(): Readiness {
    return { ready: true, nbytes: BigInt(Math.max(0, this.data.dataSize() - this.offset)), hangup: false };
  }

  override release(): void {
    this.data.close?.();
  }
}

/** An open directory: readdir and stat; read/write fail with EISDIR. */
export class DirectoryDescription extends FileDescription {
  readonly filetype = FileType.DIRECTORY;
  constructor(inode: Inode) {
    super(inode);
  }
  override readdir() {
    return this.inode!.readdir();
  }
}
