// imagefs: a read-only file system over an in-memory tree (an image layer, or the applied layers
// of an OCI image). It owns the ImageNode input type and the inodes built from it. File bytes are
// never copied: a file's inode serves reads straight from the Uint8Array it was given. Inode
// numbers are assigned once, in tree order, so they are stable for the life of the file system;
// the same file object appearing under several names is one inode with that many links.
// Every mutating operation fails with EROFS, except that creating a name that already exists
// answers EEXIST first, as Linux does (so `mkdir -p` over a read-only tree succeeds).
import { Errno, fail } from '../../errors/errno.js';
import { direntsOf } from '../../vfs/map_directory.js';
import { FileType } from '../../vfs/file_type.js';
import { allocateDev, type Filesystem } from '../../vfs/filesystem.js';
import { Inode, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import { DirectoryDescription, RegularFileDescription, type FileData } from '../../vfs/regular_file.js';
import type { FileDescription } from '../../vfs/file_description.js';

/**
 * Metadata an image entry may carry. `mtime` is in seconds since the epoch (fractions allowed),
 * as tar headers give it; absent means the epoch. `mode` is the permission bits (and is kept for
 * callers: WASI's filestat has no mode field).
 */
export interface ImageMeta {
  mode?: number;
  mtime?: number;
}
export interface ImageDir extends ImageMeta {
  kind: 'dir';
  entries: Map<string, ImageNode>;
}
/** A regular file. The same object under two names is a hard link. */
export interface ImageFile extends ImageMeta {
  kind: 'file';
  data: Uint8Array;
}
export interface ImageSymlink extends ImageMeta {
  kind: 'symlink';
  target: string;
}
/** One entry of an image tree: what Imagefs is built from. */
export type ImageNode = ImageDir | ImageFile | ImageSymlink;

/** Makes an image directory from [name, node] pairs (a convenience for building trees by hand). */
export function imageDir(entries: Record<string, ImageNode> = {}, meta: ImageMeta = {}): ImageDir {
  return { kind: 'dir', entries: new Map(Object.entries(entries)), ...meta };
}

/** A read-only Filesystem serving an ImageNode tree. */
export class Imagefs implements Filesystem {
  readonly type: string = 'imagefs';
  readonly dev = allocateDev();
  readonly readonly = true;
  readonly root: ImagefsDirectory;
  private nextIno = 1n;
  private readonly built = new Map<ImageNode, ImagefsInode>();

  /** Builds the inodes for tree (a directory used twice in the tree is refused: EINVAL). */
  constructor(tree: ImageDir) {
    this.root = this.build(tree) as ImagefsDirectory;
  }

  private build(node: ImageNode): ImagefsInode {
    const seen = this.built.get(node);
    if (seen) {
      if (seen instanceof ImagefsDirectory) fail(Errno.INVAL, 'imagefs: a directory appears twice in the tree');
      seen.nlink++;
      return seen;
    }
    const ino = this.nextIno++;
    let inode: ImagefsInode;
    if (node.kind === 'file') inode = new ImagefsFile(this, ino, node);
    else if (node.kind === 'symlink') inode = new ImagefsSymlink(this, ino, node);
    else {
      const dir = new ImagefsDirectory(this, ino, node);
      this.built.set(node, dir);
      for (const [name, child] of node.entries) {
        if (name === '' || name === '.' || name === '..' || name.includes('/')) {
          fail(Errno.INVAL, `imagefs: bad entry name ${JSON.stringify(name)}`);
        }
        const c = this.build(child);
        dir.children.set(name, c);
        if (c instanceof ImagefsDirectory) dir.nlink++;
      }
      return dir;
    }
    this.built.set(node, inode);
    return inode;
  }
}

abstract class ImagefsInode extends Inode {
  nlink = 1;
  private readonly mtim: bigint;

  constructor(readonly fs: Imagefs, readonly ino: bigint, readonly node: ImageNode) {
    super();
    this.mtim = BigInt(Math.round((node.mtime ?? 0) * 1e9));
  }

  protected abstract size(): number;

  stat(): Stat {
    return {
      dev: this.fs.dev, ino: this.ino, filetype: this.type, nlink: BigInt(this.nlink),
      size: BigInt(this.size()), atim: this.mtim, mtim: this.mtim, ctim: this.mtim,
    };
  }

  override setTimes(): void {
    fail(Errno.ROFS);
  }
}

export class ImagefsFile extends ImagefsInode implements FileData {
  readonly type = FileType.REGULAR_FILE;
  declare readonly node: ImageFile;

  protected size(): number {
    return this.node.data.length;
  }
  override open(opts: OpenOptions): FileDescription {
    if (opts.write) fail(Errno.ROFS);
    return new RegularFileDescription(this, this, opts);
  }
  override truncate(): void {
    fail(Errno.ROFS);
  }

  // FileData (read side only; descriptions are never writable, so the rest is never reached)
  dataSize(): number {
    return this.node.data.length;
  }
  readAt(dst: Uint8Array, offset: number): number {
    const data = this.node.data;
    if (offset >= data.length) return 0;
    const n = Math.min(dst.length, data.length - offset);
    dst.set(data.subarray(offset, offset + n));
    return n;
  }
  writeAt(): number {
    fail(Errno.ROFS);
  }
  setDataSize(): void {
    fail(Errno.ROFS);
  }
  allocate(): void {
    fail(Errno.ROFS);
  }
}

export class ImagefsSymlink extends ImagefsInode {
  readonly type = FileType.SYMBOLIC_LINK;
  declare readonly node: ImageSymlink;

  protected size(): number {
    return new TextEncoder().encode(this.node.target).length;
  }
  override readlink(): string {
    return this.node.target;
  }
  override truncate(): void {
    fail(Errno.ROFS);
  }
}

export class ImagefsDirectory extends ImagefsInode {
  readonly type = FileType.DIRECTORY;
  readonly children = new Map<string, ImagefsInode>();
  override nlink = 2;

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

  /** Creating fails with EEXIST when the name exists (Linux checks that before EROFS). */
  private create(name: string): never {
    fail(this.children.has(name) ? Errno.EXIST : Errno.ROFS);
  }
  override createFile(name: string): Inode {
    this.create(name);
  }
  override createDirectory(name: string): Inode {
    this.create(name);
  }
  override createSymlink(name: string): Inode {
    this.create(name);
  }
  override link(name: string): void {
    this.create(name);
  }
  override unlink(): void {
    fail(Errno.ROFS);
  }
  override rmdir(): void {
    fail(Errno.ROFS);
  }
  override rename(): void {
    fail(Errno.ROFS);
  }
}
