// devfs: the /dev directory. Owns the memory-backed character devices (null, zero, full,
// random, urandom), the stdin/stdout/stderr aliases (FdAliasInode: the kernel's path_open
// duplicates the calling task's fd instead of opening them), and the registry through which the
// kernel adds further devices (terminals, ...). Uses no host APIs, so it works in browsers and
// Node alike. The directory itself cannot be changed from inside the sandbox (EPERM).
import { Errno, fail } from '../../errors/errno.js';
import { FileType, Whence } from '../../vfs/file_type.js';
import { allocateDev, type Filesystem } from '../../vfs/filesystem.js';
import { Inode, nowNs, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import { FileDescription } from '../../vfs/file_description.js';
import { DirectoryDescription } from '../../vfs/regular_file.js';

/** The devfs instance mounted at /dev. */
export class Devfs implements Filesystem {
  readonly type: string = 'devtmpfs';
  readonly dev = allocateDev();
  /** False: devices stay writable; the directory refuses changes with EPERM on its own. */
  readonly readonly = false;
  readonly root: DevfsDirectory;
  private nextIno = 2n; // 1 is the root

  constructor() {
    this.root = new DevfsDirectory(this, 1n);
    this.addDevice('null', new CharDeviceInode(this, (inode, opts) => new NullDescription(inode, opts)));
    this.addDevice('zero', new CharDeviceInode(this, (inode, opts) => new ZeroDescription(inode, opts)));
    this.addDevice('full', new CharDeviceInode(this, (inode, opts) => new FullDescription(inode, opts)));
    this.addDevice('random', new CharDeviceInode(this, (inode, opts) => new RandomDescription(inode, opts)));
    this.addDevice('urandom', new CharDeviceInode(this, (inode, opts) => new RandomDescription(inode, opts)));
    this.addDevice('stdin', new FdAliasInode(this, 0));
    this.addDevice('stdout', new FdAliasInode(this, 1));
    this.addDevice('stderr', new FdAliasInode(this, 2));
  }

  /** A fresh inode number for a device of this devfs. */
  allocIno(): bigint {
    return this.nextIno++;
  }

  /**
   * Adds a device entry (used by the kernel for terminals and the like). The inode may come from
   * anywhere; CharDeviceInode is a ready-made one. EEXIST if name is taken, EINVAL if it is not a
   * single component.
   */
  addDevice(name: string, inode: Inode): void {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
      fail(Errno.INVAL);
    }
    if (this.root.entries.has(name)) fail(Errno.EXIST);
    this.root.entries.set(name, inode);
  }

  /** Removes a device entry added with addDevice (ENOENT if absent). */
  removeDevice(name: string): void {
    if (!this.root.entries.delete(name)) fail(Errno.NOENT);
  }
}

/** Shared stat/times bookkeeping for devfs inodes. */
abstract class DevfsInode extends Inode {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;

  constructor(readonly fs: Devfs, readonly ino: bigint) {
    super();
    this.atim = this.mtim = this.ctim = nowNs();
  }

  protected nlink(): bigint {
    return 1n;
  }

  stat(): Stat {
    return {
      dev: this.fs.dev, ino: this.ino, filetype: this.type, nlink: this.nlink(), size: 0n,
      atim: this.atim, mtim: this.mtim, ctim: this.ctim,
    };
  }
}

/** The /dev directory: a fixed set of entries that only the kernel changes. */
export class DevfsDirectory extends DevfsInode {
  readonly type = FileType.DIRECTORY;
  /** name → device inode. Change through Devfs.addDevice/removeDevice. */
  readonly entries = new Map<string, Inode>();

  protected override nlink(): bigint {
    return 2n;
  }

  override open(_opts: OpenOptions): FileDescription {
    return new DirectoryDescription(this);
  }

  override lookup(name: string): Inode {
    return this.entries.get(name) ?? fail(Errno.NOENT);
  }

  override readdir(): Dirent[] {
    const out: Dirent[] = [];
    for (const [name, inode] of this.entries) out.push({ name, ino: inode.ino, type: inode.type });
    return out;
  }

  override createFile(_name: string): Inode {
    fail(Errno.PERM);
  }
  override createDirectory(_name: string): Inode {
    fail(Errno.PERM);
  }
  override createSymlink(_name: string, _target: string): Inode {
    fail(Errno.PERM);
  }
  override link(_name: string, _target: Inode): void {
    fail(Errno.PERM);
  }
  override unlink(_name: string): void {
    fail(Errno.PERM);
  }
  override rmdir(_name: string): void {
    fail(Errno.PERM);
  }
  override rename(_name: string, _newDir: Inode, _newName: string): void {
    fail(Errno.PERM);
  }
}

/** Builds the description for one open of a character device. */
export type DeviceOpener = (inode: CharDeviceInode, opts: OpenOptions) => FileDescription;

/**
 * A character device whose opens are served by a factory. The kernel can use it for its own
 * devices: `devfs.addDevice('tty', new CharDeviceInode(devfs, (inode, opts) => ...))`.
 */
export class CharDeviceInode extends DevfsInode {
  readonly type = FileType.CHARACTER_DEVICE;

  constructor(fs: Devfs, private readonly opener: DeviceOpener) {
    super(fs, fs.allocIno());
  }

  override open(opts: OpenOptions): FileDescription {
    return this.opener(this, opts);
  }

  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    if (atim !== null) this.atim = atim;
    if (mtim !== null) this.mtim = mtim;
    this.ctim = nowNs();
  }

  /**
   * A no-op: Linux ignores O_TRUNC when opening a device, and path_open may implement O_TRUNC
   * as truncate(0), which must not break `> /dev/null`.
   */
  override truncate(_size: bigint): void {}
}

/**
 * /dev/stdin, /dev/stdout, /dev/stderr: names for the opening task's fd 0, 1, 2. Not openable
 * by itself (ENOTSUP): the kernel's path_open recognises this class and duplicates `fd` of the
 * calling task instead.
 */
export class FdAliasInode extends DevfsInode {
  readonly type = FileType.CHARACTER_DEVICE;

  constructor(fs: Devfs, readonly fd: number) {
    super(fs, fs.allocIno());
  }

  override open(_opts: OpenOptions): FileDescription {
    fail(Errno.NOTSUP, `/dev fd alias for fd ${this.fd} must be opened by the kernel`);
  }
}

/** Total length of a list of buffers. */
function totalLength(iovs: Uint8Array[]): number {
  let n = 0;
  for (const iov of iovs) n += iov.length;
  return n;
}

/**
 * Base of the memory devices: not seekable in a meaningful way (seek returns 0 like Linux),
 * always ready, pread/pwrite behave like read/write. Enforces the open mode (EBADF).
 */
abstract class MemoryDeviceDescription extends FileDescription {
  readonly filetype = FileType.CHARACTER_DEVICE;

  constructor(inode: Inode, private readonly opts: OpenOptions) {
    super(inode);
  }

  /** Fills the buffers; returns bytes produced. */
  protected abstract produce(iovs: Uint8Array[]): number;
  /** Takes the buffers; returns bytes consumed. */
  protected consume(iovs: Uint8Array[]): number {
    return totalLength(iovs);
  }

  override read(iovs: Uint8Array[]): number {
    if (!this.opts.read) fail(Errno.BADF);
    return this.produce(iovs);
  }
  override write(iovs: Uint8Array[]): number {
    if (!this.opts.write) fail(Errno.BADF);
    return this.consume(iovs);
  }
  override pread(iovs: Uint8Array[], _offset: number): number {
    return this.read(iovs);
  }
  override pwrite(iovs: Uint8Array[], _offset: number): number {
    return this.write(iovs);
  }
  override seek(_offset: number, _whence: Whence): number {
    return 0;
  }
}

/** /dev/null: reads hit end of file, writes vanish. */
class NullDescription extends MemoryDeviceDescription {
  protected produce(_iovs: Uint8Array[]): number {
    return 0;
  }
}

/** /dev/zero: reads give zeros, writes vanish. */
class ZeroDescription extends MemoryDeviceDescription {
  protected produce(iovs: Uint8Array[]): number {
    for (const iov of iovs) iov.fill(0);
    return totalLength(iovs);
  }
}

/** /dev/full: reads give zeros, writes fail with ENOSPC. */
class FullDescription extends ZeroDescription {
  protected override consume(_iovs: Uint8Array[]): number {
    fail(Errno.NOSPC);
  }
}

/** crypto.getRandomValues takes at most 65536 bytes and refuses SharedArrayBuffer views. */
const RANDOM_CHUNK = 65536;
let scratch: Uint8Array | null = null;

/** Fills dst (which may view a SharedArrayBuffer) with cryptographically random bytes. */
export function fillRandom(dst: Uint8Array): void {
  scratch ??= new Uint8Array(RANDOM_CHUNK);
  for (let at = 0; at < dst.length; at += RANDOM_CHUNK) {
    const n = Math.min(RANDOM_CHUNK, dst.length - at);
    const chunk = scratch.subarray(0, n);
    crypto.getRandomValues(chunk);
    dst.set(chunk, at);
  }
}

/** /dev/random and /dev/urandom: reads give random bytes, writes are accepted and ignored. */
class RandomDescription extends MemoryDeviceDescription {
  protected produce(iovs: Uint8Array[]): number {
    for (const iov of iovs) fillRandom(iov);
    return totalLength(iovs);
  }
}
