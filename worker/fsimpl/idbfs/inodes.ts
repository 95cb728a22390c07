// The inodes of idbfs: regular files (over ChunkedData), directories and symlinks. They behave
// exactly like tmpfs's (same errnos, rename/link/unlink rules, nlink and time stamping) and are
// served from memory synchronously; each change also tells the file system which stored keys
// it made dirty (the record of this inode, a chunk) so the write-back knows what to store.
// An inode is stored while it is linked (nlink > 0; the root always): unlinking the last link
// hands its keys to the file system for deletion, and an open description of an unlinked file
// keeps reading and writing its memory, of which nothing is stored any more.
// While the file system is `full` (the last flush hit the storage quota), whatever would grow
// the stored data (a new inode or link, a longer file, a new chunk) fails with ENOSPC; shrinking,
// deleting and overwriting in place still work.
import { Errno, fail } from '../../errors/errno.js';
import { MemoryInode } from '../../vfs/memory_inode.js';
import { direntsOf, renameInMap } from '../../vfs/map_directory.js';
import { FileType } from '../../vfs/file_type.js';
import { Inode, nowNs, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import type { FileData } from '../../vfs/regular_file.js';
import type { FileDescription } from '../../vfs/file_description.js';
import { ChunkedData } from './chunked_data.js';
import { IdbfsDirectoryDescription, IdbfsFileDescription } from './description.js';
import { INLINE_MAX, type DirRecord, type FileRecord, type InodeRecord, type SymlinkRecord } from './format.js';
import type { Idbfs } from './idbfs.js';

/** Times and mode of an inode read back from the store (absent for a new inode). */
interface Restored {
  mode: number;
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export abstract class IdbfsInode extends MemoryInode {
  readonly ino: bigint;
  mode: number;

  constructor(readonly fs: Idbfs, readonly num: number, defaultMode: number, restored?: Restored) {
    super(restored);
    this.ino = BigInt(num);
    this.mode = restored ? restored.mode : defaultMode;
    if (restored) this.nlink = restored.nlink;
  }

  protected base() {
    this.settle();
    return { mode: this.mode, nlink: this.nlink, atim: this.atim, mtim: this.mtim, ctim: this.ctim };
  }

  /** The record the store holds for this inode (times settled first). */
  abstract record(): InodeRecord;

  /** Marks this inode's record dirty (nothing once it is unlinked: it is no longer stored). */
  override changed(): void {
    if (this.nlink > 0) this.fs.inodeChanged(this.num);
  }
}

export class IdbfsFile extends IdbfsInode implements FileData {
  readonly type = FileType.REGULAR_FILE;
  readonly data: ChunkedData;

  constructor(fs: Idbfs, num: number, restored?: FileRecord) {
    super(fs, num, 0o644, restored);
    this.data = new ChunkedData((index) => {
      if (this.nlink > 0) fs.chunkChanged(num, index);
    });
    if (restored) this.data.size = restored.size;
  }

  protected size(): number {
    return this.data.size;
  }

  /** Whether the file's bytes go in its record (a small file) rather than in chunks. */
  get inline(): boolean {
    return this.data.size <= INLINE_MAX;
  }

  record(): FileRecord {
    if (this.inline) {
      return { kind: 'file', ...this.base(), size: this.data.size, chunks: 0, inline: this.data.storedValue(0) ?? new Uint8Array(0) };
    }
    return { kind: 'file', ...this.base(), size: this.data.size, chunks: this.data.chunks.size };
  }

  /** A copy of the file's current contents. */
  contents(): Uint8Array {
    const out = new Uint8Array(this.data.size);
    this.data.read(out, 0);
    return out;
  }

  override open(opts: OpenOptions): FileDescription {
    return new IdbfsFileDescription(this.fs, this, this, opts, () => this.touch());
  }

  override truncate(size: bigint): void {
    this.resize(Number(size));
    this.touch();
  }

  /** Sets the size, charging the change to the file system (nothing once unlinked). */
  private resize(n: number): void {
    if (this.nlink > 0) this.fs.charge(n - this.data.size);
    this.data.resize(n);
    this.changed();
  }

  // FileData
  dataSize(): number {
    return this.data.size;
  }
  setDataSize(size: number): void {
    this.resize(size);
  }
  readAt(dst: Uint8Array, offset: number): number {
    return this.data.read(dst, offset);
  }
  writeAt(src: Uint8Array, offset: number): number {
    if (this.nlink > 0 && this.fs.full && this.data.allocatesChunk(offset, src.length)) fail(Errno.NOSPC);
    const end = offset + src.length;
    if (end > this.data.size) this.resize(end);
    this.data.write(src, offset);
    return src.length;
  }
  allocate(offset: number, len: number): void {
    if (offset + len > this.data.size) this.resize(offset + len);
  }
  /** Replaces the contents; checks space before dropping anything (no half-done replace). */
  setContents(bytes: Uint8Array): void {
    if (this.nlink > 0) {
      if (bytes.length > 0) this.fs.checkGrow();
      this.fs.charge(bytes.length - this.data.size);
    }
    this.data.resize(0);
    this.data.write(bytes, 0);
    this.touch();
  }
}

export class IdbfsSymlink extends IdbfsInode {
  readonly type = FileType.SYMBOLIC_LINK;
  constructor(fs: Idbfs, num: number, readonly target: string, restored?: SymlinkRecord) {
    super(fs, num, 0o777, restored);
  }
  protected size(): number {
    return new TextEncoder().encode(this.target).length;
  }
  record(): SymlinkRecord {
    return { kind: 'symlink', ...this.base(), target: this.target };
  }
  override readlink(): string {
    return this.target;
  }
}

export class IdbfsDirectory extends IdbfsInode {
  readonly type = FileType.DIRECTORY;
  readonly children = new Map<string, IdbfsInode>();

  constructor(fs: Idbfs, num: number, public parent: IdbfsDirectory | null, restored?: DirRecord) {
    super(fs, num, 0o755, restored);
    if (!restored) this.nlink = 2;
  }

  protected size(): number {
    return 4096;
  }

  record(): DirRecord {
    const entries: [string, number][] = [];
    for (const [name, child] of this.children) entries.push([name, child.num]);
    return { kind: 'dir', ...this.base(), entries };
  }

  override open(_opts: OpenOptions): FileDescription {
    return new IdbfsDirectoryDescription(this.fs, this);
  }

  override lookup(name: string): Inode {
    return this.children.get(name) ?? fail(Errno.NOENT);
  }

  override readdir(): Dirent[] {
    return direntsOf(this.children);
  }

  /** Adds an entry; make() runs only once the name is known to be free (no wasted inodes). */
  private add<T extends IdbfsInode>(name: string, make: () => T): T {
    if (this.children.has(name)) fail(Errno.EXIST);
    if (this.nlink === 0) fail(Errno.NOENT); // removed directory
    this.fs.checkGrow();
    const child = make();
    this.children.set(name, child);
    this.touch();
    return child;
  }

  override createFile(name: string): Inode {
    return this.add(name, () => this.fs.register(new IdbfsFile(this.fs, this.fs.allocIno())));
  }
  override createDirectory(name: string): Inode {
    const d = this.add(name, () => this.fs.register(new IdbfsDirectory(this.fs, this.fs.allocIno(), this)));
    this.nlink++;
    return d;
  }
  override createSymlink(name: string, target: string): Inode {
    return this.add(name, () => this.fs.register(new IdbfsSymlink(this.fs, this.fs.allocIno(), target)));
  }
  override link(name: string, target: Inode): void {
    if (!(target instanceof IdbfsInode) || target.fs !== this.fs) fail(Errno.XDEV);
    if (target.type === FileType.DIRECTORY) fail(Errno.PERM);
    if (target.nlink === 0) fail(Errno.NOENT); // an unlinked file cannot come back
    this.add(name, () => target);
    target.nlink++;
    target.settle();
    target.ctim = nowNs();
    target.changed();
  }
  override unlink(name: string): void {
    const child = this.children.get(name) ?? fail(Errno.NOENT);
    if (child.type === FileType.DIRECTORY) fail(Errno.ISDIR);
    this.children.delete(name);
    this.dropLink(child);
    this.touch();
  }
  override rmdir(name: string): void {
    const child = this.children.get(name) ?? fail(Errno.NOENT);
    if (!(child instanceof IdbfsDirectory)) fail(Errno.NOTDIR);
    if (child.children.size > 0) fail(Errno.NOTEMPTY);
    this.children.delete(name);
    child.nlink = 0;
    this.fs.unregister(child);
    this.nlink--;
    this.touch();
  }
  override rename(name: string, newDir: Inode, newName: string): void {
    if (!(newDir instanceof IdbfsDirectory) || newDir.fs !== this.fs) fail(Errno.XDEV);
    renameInMap<IdbfsDirectory>(this, name, newDir, newName, (i): i is IdbfsDirectory => i instanceof IdbfsDirectory);
  }

  /** One directory entry of a non-directory is gone; the last one takes it out of the store. */
  private dropLink(child: IdbfsInode): void {
    child.nlink--;
    if (child.nlink === 0) this.fs.unregister(child);
    else child.changed();
  }
}
