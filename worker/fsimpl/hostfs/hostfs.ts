// hostfs: a directory of the host file system mounted into the sandbox (Node only). This is
// the only path from the sandbox to host files, so it owns the containment rules:
//  - inodes hold host paths built only from the (canonicalised) host root plus validated single
//    components; names with "/", NUL, "." or ".." are refused;
//  - the host never follows a symlink for us: everything is lstat'ed, files are opened with
//    O_NOFOLLOW, times are set with lutimes, and readlink hands the raw target text to the VFS,
//    which resolves it inside the sandbox;
//  - before every host call an inode re-checks that its directory chain still consists of real
//    directories (the sandbox itself can rename a directory away and put a symlink in its place,
//    which would otherwise redirect a stale path outside the root) and that its own path still
//    names the object it was looked up as. An inode whose path now names something else behaves
//    as deleted (ENOENT).
// Node's fs errors are mapped to WASI errnos. Host time setting goes through Node's seconds-as-
// double API, which keeps whole microseconds: a time set here is stored as the nanoseconds asked
// for rounded down to a microsecond, exactly (hostTimeSeconds), and stat reads that back.
// node:fs, able to reach host paths longer than PATH_MAX (deep trees made in the sandbox).
import * as fs from './long_paths.js';
import * as path from 'node:path';
import { Errno, SysError, fail } from '../../errors/errno.js';
import { FileType } from '../../vfs/file_type.js';
import { allocateDev, type Filesystem } from '../../vfs/filesystem.js';
import { Inode, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import type { FileDescription } from '../../vfs/file_description.js';
import { DirectoryDescription, MAX_FILE_SIZE, RegularFileDescription, type FileData } from '../../vfs/regular_file.js';

/** Node error codes → WASI errnos. Anything not listed becomes EIO. */
const ERRNO_BY_CODE: Readonly<Record<string, Errno>> = {
  ENOENT: Errno.NOENT, EEXIST: Errno.EXIST, ENOTDIR: Errno.NOTDIR, EISDIR: Errno.ISDIR,
  ENOTEMPTY: Errno.NOTEMPTY, EACCES: Errno.ACCES, EPERM: Errno.PERM, EXDEV: Errno.XDEV,
  ELOOP: Errno.LOOP, ENAMETOOLONG: Errno.NAMETOOLONG, EINVAL: Errno.INVAL, ENOSPC: Errno.NOSPC,
  EBADF: Errno.BADF, EROFS: Errno.ROFS, EMFILE: Errno.MFILE, ENFILE: Errno.NFILE, EBUSY: Errno.BUSY,
  EFBIG: Errno.FBIG, ENOTSUP: Errno.NOTSUP, EOPNOTSUPP: Errno.NOTSUP, EMLINK: Errno.MLINK,
  ETXTBSY: Errno.TXTBSY, EDQUOT: Errno.DQUOT, ENXIO: Errno.NXIO, ENODEV: Errno.NODEV,
  EOVERFLOW: Errno.OVERFLOW, ENOMEM: Errno.NOMEM, EAGAIN: Errno.AGAIN, EINTR: Errno.INTR,
  ESPIPE: Errno.SPIPE, EIO: Errno.IO,
};

/** The WASI errno for an exception thrown by a node:fs call (SysErrors keep theirs). */
export function hostErrno(e: unknown): Errno {
  if (e instanceof SysError) return e.errno;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return (code !== undefined && ERRNO_BY_CODE[code]) || Errno.IO;
}

/** Runs a host call, turning any Node error into SysError with the matching errno. */
function host<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SysError) throw e;
    throw new SysError(hostErrno(e), (e as Error)?.message);
  }
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const BIGINT = { bigint: true } as const;

/** Refuses anything that is not a single, ordinary path component. */
function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..') fail(Errno.INVAL, `bad name ${JSON.stringify(name)}`);
  if (name.includes('/') || name.includes('\0')) fail(Errno.INVAL, `bad name ${JSON.stringify(name)}`);
  if (path.sep === '\\' && (name.includes('\\') || name.includes(':'))) fail(Errno.INVAL, 'bad name');
}

/** The WASI file type of a host lstat result. */
function filetypeOf(st: fs.BigIntStats): FileType {
  if (st.isFile()) return FileType.REGULAR_FILE;
  if (st.isDirectory()) return FileType.DIRECTORY;
  if (st.isSymbolicLink()) return FileType.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return FileType.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FileType.BLOCK_DEVICE;
  return FileType.UNKNOWN; // sockets, FIFOs
}

/**
 * Nanoseconds → the seconds (a double) Node's utimes family takes. libuv keeps only whole
 * microseconds of it (it truncates), so the host stores floor(ns / 1000) µs: the double is
 * aimed at the middle of that microsecond, far enough from its edges (500 ns) that rounding to
 * a double (a quarter of a microsecond at today's dates, under 500 ns until the year 2242)
 * never lands in the next or the previous one. stat then reads back exactly what the host holds.
 */
export function hostTimeSeconds(ns: bigint): number {
  const us = ns / 1000n;
  return Number(us / 1_000_000n) + (Number(us % 1_000_000n) * 1000 + 500) / 1e9;
}

/** A host directory mounted into the sandbox. */
export class Hostfs implements Filesystem {
  readonly type: string = 'hostfs';
  readonly dev = allocateDev();
  readonly readonly: boolean;
  /** Canonical absolute host path of the root (no symlinks in it). */
  readonly hostRoot: string;
  readonly root: HostDirectory;

  /** Fails with a SysError (ENOENT, ENOTDIR, ...) if hostRoot is not a directory. */
  constructor(hostRoot: string, opts: { readonly?: boolean } = {}) {
    this.readonly = opts.readonly ?? false;
    this.hostRoot = host(() => fs.realpathSync.native(path.resolve(hostRoot)));
    const st = host(() => fs.lstatSync(this.hostRoot, BIGINT));
    if (!st.isDirectory()) fail(Errno.NOTDIR, this.hostRoot);
    this.root = new HostDirectory(this, this.hostRoot, null, st.ino);
  }

  /** Fails with EROFS on a read-only mount. */
  checkWritable(): void {
    if (this.readonly) fail(Errno.ROFS);
  }

  /**
   * Makes sure dir (the root or a path below it) still consists only of real directories, i.e.
   * no component has been replaced by a symlink since the path was built. Fast path: the
   * canonical path equals dir. Otherwise (a symlink somewhere, or a case-insensitive host that
   * canonicalises names), each component is lstat'ed.
   */
  checkDirChain(dir: string): void {
    let real: string | null = null;
    try {
      real = fs.realpathSync.native(dir);
    } catch {
      // Fall through to the component walk, which reports the precise error.
    }
    if (real === dir) return;
    const rel = path.relative(this.hostRoot, dir);
    let at = this.hostRoot;
    const parts = rel === '' ? [] : rel.split(path.sep);
    for (let i = -1; i < parts.length; i++) {
      if (i >= 0) at = path.join(at, parts[i]!);
      const st = host(() => fs.lstatSync(at, BIGINT));
      if (!st.isDirectory()) fail(Errno.NOENT, 'path component replaced');
    }
  }

  /** The inode for the host object at hostPath (child of parentPath), as lstat sees it now. */
  inodeFor(hostPath: string, parentPath: string, st: fs.BigIntStats): HostInode {
    switch (filetypeOf(st)) {
      case FileType.REGULAR_FILE: return new HostFile(this, hostPath, parentPath, st.ino);
      case FileType.DIRECTORY: return new HostDirectory(this, hostPath, parentPath, st.ino);
      case FileType.SYMBOLIC_LINK: return new HostSymlink(this, hostPath, parentPath, st.ino);
      default: return new HostSpecial(this, hostPath, parentPath, st.ino, filetypeOf(st));
    }
  }

  /** Builds a Stat from a host (l)stat result. */
  statOf(st: fs.BigIntStats): Stat {
    return {
      dev: this.dev, ino: st.ino, filetype: filetypeOf(st), nlink: st.nlink, size: st.size,
      atim: st.atimeNs, mtim: st.mtimeNs, ctim: st.ctimeNs,
    };
  }
}

/** An object of a Hostfs: a host path plus the identity (ino, type) it had when looked up. */
export abstract class HostInode extends Inode {
  constructor(
    readonly fs: Hostfs,
    /** Absolute host path: hostRoot joined with validated components. */
    readonly hostPath: string,
    /** Host path of the directory holding it (null for the root). */
    readonly parentPath: string | null,
    readonly ino: bigint,
  ) {
    super();
  }

  /**
   * Re-validates this inode before a host call: the directory chain leading to it is made of
   * real directories and its path still names the same object. Returns the fresh lstat.
   */
  live(): fs.BigIntStats {
    this.fs.checkDirChain(this.parentPath ?? this.hostPath);
    const st = host(() => fs.lstatSync(this.hostPath, BIGINT));
    if (st.ino !== this.ino || filetypeOf(st) !== this.type) fail(Errno.NOENT, 'replaced on host');
    return st;
  }

  stat(): Stat {
    return this.fs.statOf(this.live());
  }

  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    this.fs.checkWritable();
    const st = this.live();
    if (atim === null && mtim === null) return;
    const a = hostTimeSeconds(atim ?? st.atimeNs);
    const m = hostTimeSeconds(mtim ?? st.mtimeNs);
    host(() => fs.lutimesSync(this.hostPath, a, m));
  }
}

/** A host regular file. */
export class HostFile extends HostInode {
  readonly type = FileType.REGULAR_FILE;

  /** Opens the host file without following symlinks and checks it is still this file. */
  private openHost(flags: number): number {
    this.live();
    const fd = host(() => fs.openSync(this.hostPath, flags | O_NOFOLLOW));
    try {
      const st = host(() => fs.fstatSync(fd, BIGINT));
      if (st.ino !== this.ino || !st.isFile()) fail(Errno.NOENT, 'replaced on host');
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return fd;
  }

  override open(opts: OpenOptions): FileDescription {
    // On a read-only mount the host file is always opened read-only; the description still
    // grants write so that an actual write reports EROFS rather than EBADF.
    let flags: number;
    if (!opts.write || this.fs.readonly) flags = fs.constants.O_RDONLY;
    else flags = opts.read ? fs.constants.O_RDWR : fs.constants.O_WRONLY;
    const fd = this.openHost(flags);
    return new HostFileDescription(this, new HostFileData(fd, this.fs.readonly), opts);
  }

  override truncate(size: bigint): void {
    this.fs.checkWritable();
    if (size < 0n) fail(Errno.INVAL);
    if (size > BigInt(MAX_FILE_SIZE)) fail(Errno.FBIG);
    const fd = this.openHost(fs.constants.O_WRONLY);
    try {
      host(() => fs.ftruncateSync(fd, Number(size)));
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** FileData over a host fd: positioned reads and writes, never the fd's own offset. */
export class HostFileData implements FileData {
  private closed = false;

  constructor(readonly fd: number, private readonly readonly = false) {}

  dataSize(): number {
    return Number(host(() => fs.fstatSync(this.fd, BIGINT)).size);
  }

  readAt(dst: Uint8Array, offset: number): number {
    let done = 0;
    while (done < dst.length) {
      const n = host(() => fs.readSync(this.fd, dst, done, dst.length - done, offset + done));
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  writeAt(src: Uint8Array, offset: number): number {
    if (this.readonly) fail(Errno.ROFS);
    let done = 0;
    while (done < src.length) {
      done += host(() => fs.writeSync(this.fd, src, done, src.length - done, offset + done));
    }
    return src.length;
  }

  setDataSize(size: number): void {
    if (this.readonly) fail(Errno.ROFS);
    host(() => fs.ftruncateSync(this.fd, size));
  }

  allocate(offset: number, len: number): void {
    if (this.readonly) fail(Errno.ROFS);
    // Node has no posix_fallocate; growing the file (sparse) is what fd_allocate must guarantee.
    if (offset + len > this.dataSize()) this.setDataSize(offset + len);
  }

  sync(): void {
    host(() => fs.fsyncSync(this.fd));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Nothing useful to do: the description is going away.
    }
  }
}

/**
 * An open host file. Stat and time changes go through the host fd, so they keep referring to
 * the open file after it is renamed or unlinked (as fstat/futimens do on Linux).
 */
export class HostFileDescription extends RegularFileDescription {
  constructor(inode: HostFile, private readonly hostData: HostFileData, opts: OpenOptions) {
    super(inode, hostData, opts);
  }

  override stat(): Stat {
    const st = host(() => fs.fstatSync(this.hostData.fd, BIGINT));
    return (this.inode as HostFile).fs.statOf(st);
  }

  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    (this.inode as HostFile).fs.checkWritable();
    if (atim === null && mtim === null) return;
    const st = host(() => fs.fstatSync(this.hostData.fd, BIGINT));
    const a = hostTimeSeconds(atim ?? st.atimeNs);
    const m = hostTimeSeconds(mtim ?? st.mtimeNs);
    host(() => fs.futimesSync(this.hostData.fd, a, m));
  }
}

/** A host symlink. Its target is returned verbatim; the VFS resolves it inside the sandbox. */
export class HostSymlink extends HostInode {
  readonly type = FileType.SYMBOLIC_LINK;

  override readlink(): string {
    this.live();
    return host(() => fs.readlinkSync(this.hostPath, 'utf8'));
  }
}

/** A host device, socket or FIFO: visible in listings and stat, but not openable. */
export class HostSpecial extends HostInode {
  constructor(fs: Hostfs, hostPath: string, parentPath: string, ino: bigint, readonly type: FileType) {
    super(fs, hostPath, parentPath, ino);
  }

  override open(_opts: OpenOptions): FileDescription {
    // Like a "nodev" mount for devices; FIFOs and sockets would block or need a socket layer.
    const isDevice = this.type === FileType.CHARACTER_DEVICE || this.type === FileType.BLOCK_DEVICE;
    fail(isDevice ? Errno.ACCES : Errno.NOTSUP);
  }
}

/** A host directory. */
export class HostDirectory extends HostInode {
  readonly type = FileType.DIRECTORY;

  override open(_opts: OpenOptions): FileDescription {
    this.live();
    return new DirectoryDescription(this);
  }

  /** Validates name and returns the host path of the child called name (after live()). */
  private child(name: string): string {
    checkName(name);
    this.live();
    return path.join(this.hostPath, name);
  }

  override lookup(name: string): Inode {
    const p = this.child(name);
    const st = host(() => fs.lstatSync(p, BIGINT));
    return this.fs.inodeFor(p, this.hostPath, st);
  }

  override readdir(): Dirent[] {
    this.live();
    const entries = host(() => fs.readdirSync(this.hostPath, { withFileTypes: true }));
    const out: Dirent[] = [];
    for (const e of entries) {
      let st: fs.BigIntStats;
      try {
        st = fs.lstatSync(path.join(this.hostPath, e.name), BIGINT);
      } catch {
        continue; // vanished (or unreadable) since the listing
      }
      out.push({ name: e.name, ino: st.ino, type: filetypeOf(st) });
    }
    return out;
  }

  /** Checks writability, validates name, returns the child's host path. */
  private mutable(name: string): string {
    this.fs.checkWritable();
    return this.child(name);
  }

  private created(p: string): Inode {
    return this.fs.inodeFor(p, this.hostPath, host(() => fs.lstatSync(p, BIGINT)));
  }

  override createFile(name: string): Inode {
    const p = this.mutable(name);
    // O_CREAT|O_EXCL never follows a symlink: an existing name of any kind gives EEXIST.
    const fd = host(() => fs.openSync(p, 'wx'));
    fs.closeSync(fd);
    return this.created(p);
  }

  override createDirectory(name: string): Inode {
    const p = this.mutable(name);
    host(() => fs.mkdirSync(p));
    return this.created(p);
  }

  override createSymlink(name: string, target: string): Inode {
    const p = this.mutable(name);
    if (target.includes('\0')) fail(Errno.INVAL);
    host(() => fs.symlinkSync(target, p));
    return this.created(p);
  }

  override link(name: string, target: Inode): void {
    if (!(target instanceof HostInode) || target.fs !== this.fs) fail(Errno.XDEV);
    const p = this.mutable(name);
    const st = target.live();
    if (st.isDirectory()) fail(Errno.PERM);
    // Linux's link(2) links a symlink itself; some hosts (macOS) follow it, which could make a
    // hard link to a file outside the root. Only allow linking symlinks where that cannot happen.
    if (st.isSymbolicLink() && process.platform !== 'linux') fail(Errno.NOTSUP);
    host(() => fs.linkSync(target.hostPath, p));
  }

  override unlink(name: string): void {
    const p = this.mutable(name);
    const st = host(() => fs.lstatSync(p, BIGINT));
    if (st.isDirectory()) fail(Errno.ISDIR);
    host(() => fs.unlinkSync(p));
  }

  override rmdir(name: string): void {
    const p = this.mutable(name);
    const st = host(() => fs.lstatSync(p, BIGINT));
    if (!st.isDirectory()) fail(Errno.NOTDIR);
    host(() => fs.rmdirSync(p));
  }

  override rename(name: string, newDir: Inode, newName: string): void {
    if (!(newDir instanceof HostDirectory) || newDir.fs !== this.fs) fail(Errno.XDEV);
    const from = this.mutable(name);
    const to = newDir.child(newName);
    // rename(2) never follows symlinks and applies the POSIX replacement rules itself.
    host(() => fs.renameSync(from, to));
  }
}
