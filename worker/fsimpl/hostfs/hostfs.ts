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
//    as deleted (ENOENT). A chain once checked is trusted until the next rename or rmdir made
//    through any hostfs of this process (the only ways the sandbox can unmake a directory), and
//    for at most CHAIN_TRUST_MS against changes made on the host behind the sandbox's back; so a
//    call costs the one host call it needs, not a walk of every component (checkDir).
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

/** Changes made through any hostfs of this process (a stat remembered before one is stale). */
let hostfsChanges = 0;

/** host() for a call that changes the host file system. */
function changing<T>(fn: () => T): T {
  hostfsChanges++;
  return host(fn);
}

/**
 * A counter that moves on when the current synchronous run of kernel code (one system call)
 * ends: a stat a lookup took is reused by the stat that follows in the same call, never later.
 */
let epoch = 0;
let epochEnding = false;
function currentEpoch(): number {
  if (!epochEnding) {
    epochEnding = true;
    queueMicrotask(() => {
      epoch++;
      epochEnding = false;
    });
  }
  return epoch;
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const BIGINT = { bigint: true } as const;
/** lstat that answers undefined for a missing name instead of building a Node exception. */
const BIGINT_MAYBE = { bigint: true, throwIfNoEntry: false } as const;

/**
 * Bumped by every rename and rmdir made through any Hostfs of this process: the changes that can
 * turn a checked directory path into something else (several mounts may share host trees).
 */
let structureGeneration = 0;
/** How long a checked directory chain is trusted against changes made outside the sandbox (ms). */
const CHAIN_TRUST_MS = 100;


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

  /** Directory paths checked by checkDir: their inode number, generation and time of the check. */
  private readonly checkedDirs = new Map<string, { ino: bigint; generation: number; at: number }>();

  /**
   * Makes sure dir is still a chain of real directories from the root (checkDirChain) and, if
   * ino is given, still the directory ino. A check is remembered (see the header): repeated
   * calls under the same directory cost no host call.
   */
  checkDir(dir: string, ino: bigint | null): void {
    const now = performance.now();
    const c = this.checkedDirs.get(dir);
    if (c && c.generation === structureGeneration && now - c.at < CHAIN_TRUST_MS && (ino === null || c.ino === ino)) return;
    const generation = structureGeneration;
    this.checkDirChain(dir);
    const st = host(() => fs.lstatSync(dir, BIGINT));
    if (!st.isDirectory() || (ino !== null && st.ino !== ino)) fail(Errno.NOENT, 'replaced on host');
    if (this.checkedDirs.size >= 4096) this.checkedDirs.clear();
    this.checkedDirs.set(dir, { ino: st.ino, generation, at: now });
  }

  /**
   * The file createFile just made and its O_RDWR fd, kept for the truncate and open that follow
   * in the same path_open (no second open and check of a file made a moment ago). Any other
   * call into this hostfs, or the end of the system call, drops it (closing the fd).
   */
  private fresh: { file: HostFile; fd: number } | null = null;

  keepFresh(file: HostFile, fd: number): void {
    this.dropFresh();
    const entry = { file, fd };
    this.fresh = entry;
    queueMicrotask(() => {
      if (this.fresh === entry) this.dropFresh();
    });
  }

  /** The fresh fd of file, if it is the one just created (it stays kept). */
  peekFresh(file: HostFile): number | null {
    return this.fresh?.file === file ? this.fresh.fd : null;
  }

  /** Hands over the fresh fd of file, if it is the one just created. */
  takeFresh(file: HostFile): number | null {
    if (this.fresh?.file !== file) return null;
    const fd = this.fresh.fd;
    this.fresh = null;
    return fd;
  }

  dropFresh(): void {
    const f = this.fresh;
    if (!f) return;
    this.fresh = null;
    try {
      fs.closeSync(f.fd);
    } catch {
      // It was ours alone: nothing else to do.
    }
  }

  /** A rename or rmdir is about to change the host tree: forget every checked chain. */
  structureChanging(): void {
    structureGeneration++;
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
    const seen = this.seenStat;
    if (seen) {
      this.seenStat = null;
      if (this.seenChanges === hostfsChanges && this.seenEpoch === epoch) return seen;
    }
    this.fs.dropFresh();
    if (this.parentPath === null) this.fs.checkDirChain(this.hostPath);
    else this.fs.checkDir(this.parentPath, null);
    const st = host(() => fs.lstatSync(this.hostPath, BIGINT));
    if (st.ino !== this.ino || filetypeOf(st) !== this.type) fail(Errno.NOENT, 'replaced on host');
    return st;
  }

  /**
   * The lstat this inode was looked up with, for the one stat that may follow in the same system
   * call with no change made in between (path_filestat_get: lookup, then stat).
   */
  private seenStat: fs.BigIntStats | null = null;
  private seenChanges = 0;
  private seenEpoch = -1;
  seen(st: fs.BigIntStats): this {
    this.seenStat = st;
    this.seenChanges = hostfsChanges;
    this.seenEpoch = currentEpoch();
    return this;
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
    changing(() => fs.lutimesSync(this.hostPath, a, m));
  }
}

/** A host regular file. */
export class HostFile extends HostInode {
  readonly type = FileType.REGULAR_FILE;

  /**
   * Opens the host file without following symlinks and checks it is still this file: the
   * directory chain is checked (checkDir), O_NOFOLLOW refuses a symlink put in its place, and
   * the open file's inode number must be this one.
   */
  private openHost(flags: number): number {
    if (this.parentPath !== null) this.fs.checkDir(this.parentPath, null);
    let fd: number;
    try {
      fd = fs.openSync(this.hostPath, flags | O_NOFOLLOW);
    } catch (e) {
      // ELOOP: a symlink now stands where this file was looked up.
      throw new SysError(hostErrno(e) === Errno.LOOP ? Errno.NOENT : hostErrno(e), (e as Error)?.message);
    }
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
    // The file was created in this call: its O_RDWR fd serves (the description checks opts).
    const fd = this.fs.takeFresh(this) ?? this.openHost(flags);
    return new HostFileDescription(this, new HostFileData(fd, this.fs.readonly), opts);
  }

  override truncate(size: bigint): void {
    this.fs.checkWritable();
    if (size < 0n) fail(Errno.INVAL);
    if (size > BigInt(MAX_FILE_SIZE)) fail(Errno.FBIG);
    const fresh = this.fs.peekFresh(this);
    if (fresh !== null) {
      // Made empty by O_CREAT|O_EXCL in this very call (path_open's O_TRUNC): nothing to cut.
      if (size !== 0n) changing(() => fs.ftruncateSync(fresh, Number(size)));
      return;
    }
    const fd = this.openHost(fs.constants.O_WRONLY);
    try {
      changing(() => fs.ftruncateSync(fd, Number(size)));
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
      done += changing(() => fs.writeSync(this.fd, src, done, src.length - done, offset + done));
    }
    return src.length;
  }

  setDataSize(size: number): void {
    if (this.readonly) fail(Errno.ROFS);
    changing(() => fs.ftruncateSync(this.fd, size));
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
  private readonly readable: boolean;
  constructor(inode: HostFile, private readonly hostData: HostFileData, opts: OpenOptions) {
    super(inode, hostData, opts);
    this.readable = opts.read;
  }

  /** A readable host file may be pread by the process itself (ProcessHandle.setDirectFd). */
  override get directReadFd(): number | null {
    return this.readable ? this.hostData.fd : null;
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
    changing(() => fs.futimesSync(this.hostData.fd, a, m));
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
    this.fs.checkDir(this.hostPath, this.ino);
    return new DirectoryDescription(this);
  }

  /** Validates name and returns the host path of the child called name (after checkDir). */
  private child(name: string): string {
    checkName(name);
    this.fs.dropFresh();
    this.fs.checkDir(this.hostPath, this.ino);
    return path.join(this.hostPath, name);
  }

  override lookup(name: string): Inode {
    const p = this.child(name);
    const st = host(() => fs.lstatSync(p, BIGINT_MAYBE));
    if (!st) fail(Errno.NOENT);
    return this.fs.inodeFor(p, this.hostPath, st).seen(st);
  }

  override readdir(): Dirent[] {
    this.fs.checkDir(this.hostPath, this.ino);
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
    // O_CREAT|O_EXCL never follows a symlink: an existing name of any kind gives EEXIST. The fd
    // serves the open (and truncate) that follow in this call (HostFile.keepFresh).
    const { O_CREAT, O_EXCL, O_RDWR } = fs.constants;
    const fd = changing(() => fs.openSync(p, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW, 0o666));
    let file: HostFile;
    try {
      const st = host(() => fs.fstatSync(fd, BIGINT));
      file = new HostFile(this.fs, p, this.hostPath, st.ino);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    this.fs.keepFresh(file, fd);
    return file;
  }

  override createDirectory(name: string): Inode {
    const p = this.mutable(name);
    changing(() => fs.mkdirSync(p));
    return this.created(p);
  }

  override createSymlink(name: string, target: string): Inode {
    const p = this.mutable(name);
    if (target.includes('\0')) fail(Errno.INVAL);
    changing(() => fs.symlinkSync(target, p));
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
    changing(() => fs.linkSync(target.hostPath, p));
  }

  override unlink(name: string): void {
    const p = this.mutable(name);
    if (process.platform !== 'linux') {
      // Linux's unlink(2) refuses a directory itself (EISDIR); others may answer EPERM.
      const st = host(() => fs.lstatSync(p, BIGINT));
      if (st.isDirectory()) fail(Errno.ISDIR);
    }
    changing(() => fs.unlinkSync(p));
  }

  override rmdir(name: string): void {
    const p = this.mutable(name);
    // rmdir(2) never follows a final symlink and refuses a non-directory with ENOTDIR.
    this.fs.structureChanging();
    changing(() => fs.rmdirSync(p));
  }

  override rename(name: string, newDir: Inode, newName: string): void {
    if (!(newDir instanceof HostDirectory) || newDir.fs !== this.fs) fail(Errno.XDEV);
    const from = this.mutable(name);
    const to = newDir.child(newName);
    // rename(2) never follows symlinks and applies the POSIX replacement rules itself.
    this.fs.structureChanging();
    changing(() => fs.renameSync(from, to));
  }
}
