// tmpfs: a file system that lives in kernel memory. Regular files are growable byte buffers
// (capacity doubles, so writing a large file is linear, not quadratic); directories are Maps.
// An optional byte limit makes writes past it fail with ENOSPC.
import { Errno, fail } from '../../errors/errno.js';
import { FileType } from '../../vfs/file_type.js';
import { allocateDev, type Filesystem, type FsUsage } from '../../vfs/filesystem.js';
import { Inode, nowNs, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import { DirectoryDescription, RegularFileDescription, type FileData } from '../../vfs/regular_file.js';
import { MemoryInode } from '../../vfs/memory_inode.js';
import { direntsOf, renameInMap } from '../../vfs/map_directory.js';
import type { FileDescription } from '../../vfs/file_description.js';

export class Tmpfs implements Filesystem {
  readonly type: string = 'tmpfs';
  readonly dev = allocateDev();
  readonly root: TmpfsDirectory;
  readonly readonly = false;
  private nextIno = 1n;
  /** Bytes held by all regular files. */
  used = 0;

  constructor(readonly capacity = Infinity) {
    this.root = new TmpfsDirectory(this, null);
  }

  allocIno(): bigint {
    return this.nextIno++;
  }

  /** Accounts a change in stored bytes; ENOSPC if it would pass the capacity. */
  charge(delta: number): void {
    if (delta > 0 && this.used + delta > this.capacity) fail(Errno.NOSPC);
    this.used += delta;
  }

  usage(): FsUsage {
    return { used: this.used, capacity: this.capacity };
  }
}

abstract class TmpfsInode extends MemoryInode {
  readonly ino: bigint;

  constructor(readonly fs: Tmpfs) {
    super();
    this.ino = fs.allocIno();
  }
}

export class TmpfsFile extends TmpfsInode implements FileData {
  readonly type = FileType.REGULAR_FILE;
  private buf = new Uint8Array(0);
  private len = 0;

  protected size(): number {
    return this.len;
  }

  /** The file's current contents (a view; copy before keeping). */
  contents(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private reserve(n: number): void {
    if (n <= this.buf.length) return;
    let cap = Math.max(64, this.buf.length);
    while (cap < n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private resize(n: number): void {
    this.fs.charge(n - this.len);
    this.reserve(n);
    if (n < this.len) this.buf.fill(0, n, this.len);
    this.len = n;
  }

  override open(opts: OpenOptions): FileDescription {
    return new RegularFileDescription(this, this, opts, () => this.touch());
  }

  override truncate(size: bigint): void {
    this.resize(Number(size));
    this.touch();
  }

  // FileData
  dataSize(): number {
    return this.len;
  }
  setDataSize(size: number): void {
    this.resize(size);
  }
  readAt(dst: Uint8Array, offset: number): number {
    if (offset >= this.len) return 0;
    const n = Math.min(dst.length, this.len - offset);
    dst.set(this.buf.subarray(offset, offset + n));
    return n;
  }
  writeAt(src: Uint8Array, offset: number): number {
    const end = offset + src.length;
    if (end > this.len) this.resize(end);
    this.buf.set(src, offset);
    return src.length;
  }
  allocate(offset: number, len: number): void {
    if (offset + len > this.len) this.resize(offset + len);
  }
  setContents(bytes: Uint8Array): void {
    this.resize(0);
    this.writeAt(bytes, 0);
    this.touch();
  }
}

export class TmpfsSymlink extends TmpfsInode {
  readonly type = FileType.SYMBOLIC_LINK;
  constructor(fs: Tmpfs, readonly target: string) {
    super(fs);
  }
  protected size(): number {
    return new TextEncoder().encode(this.target).length;
  }
  override readlink(): string {
    return this.target;
  }
}

export class TmpfsDirectory extends TmpfsInode {
  readonly type = FileType.DIRECTORY;
  readonly children = new Map<string, TmpfsInode>();

  constructor(fs: Tmpfs, public parent: TmpfsDirectory | null) {
    super(fs);
    this.nlink = 2;
  }

  protected size(): number {
    return 4096;
  }

  override open(_opts: OpenOptions): FileDescription {
    return new DirectoryDescription(this);
  }

  override lookup(name: string): Inode {
    return this.children.get(name) ?? fail(Errno.NOENT);
  }

  override readdir(): Dirent[] {
    return direntsOf(this.children);
  }

  private add(name: string, child: TmpfsInode): TmpfsInode {
    if (this.children.has(name)) fail(Errno.EXIST);
    if (this.nlink === 0) fail(Errno.NOENT); // removed directory
    this.children.set(name, child);
    this.touch();
    return child;
  }

  override createFile(name: string): Inode {
    return this.add(name, new TmpfsFile(this.fs));
  }
  override createDirectory(name: string): Inode {
    const d = this.add(name, new TmpfsDirectory(this.fs, this));
    this.nlink++;
    return d;
  }
  override createSymlink(name: string, target: string): Inode {
    return this.add(name, new TmpfsSymlink(this.fs, target));
  }
  override link(name: string, target: Inode): void {
    if (!(target instanceof TmpfsInode) || target.fs !== this.fs) fail(Errno.XDEV);
    if (target.type === FileType.DIRECTORY) fail(Errno.PERM);
    this.add(name, target);
    target.nlink++;
    target.settle();
    target.ctim = nowNs();
  }
  override unlink(name: string): void {
    const child = this.children.get(name) ?? fail(Errno.NOENT);
    if (child.type === FileType.DIRECTORY) fail(Errno.ISDIR);
    this.children.delete(name);
    child.nlink--;
    if (child.nlink === 0 && child instanceof TmpfsFile) {
      // Space is released when the last link goes; open descriptions keep their view.
      this.fs.charge(-child.contents().length);
    }
    this.touch();
  }
  override rmdir(name: string): void {
    const child = this.children.get(name) ?? fail(Errno.NOENT);
    if (!(child instanceof TmpfsDirectory)) fail(Errno.NOTDIR);
    if (child.children.size > 0) fail(Errno.NOTEMPTY);
    this.children.delete(name);
    child.nlink = 0;
    this.nlink--;
    this.touch();
  }
  override rename(name: string, newDir: Inode, newName: string): void {
    if (!(newDir instanceof TmpfsDirectory) || newDir.fs !== this.fs) fail(Errno.XDEV);
    renameInMap<TmpfsDirectory>(this, name, newDir, newName, (i): i is TmpfsDirectory => i instanceof TmpfsDirectory);
  }
}
