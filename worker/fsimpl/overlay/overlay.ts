// overlay: Linux overlayfs semantics over the synchronous Inode API. Read-only lower directory
// trees (image layers, topmost first) under one writable upper directory on any file system.
// This file owns the merge (lookup and readdir across layers), copy-up, whiteouts and opaque
// directories, and the overlay's own inodes and open descriptions.
//
// On-disk conventions (OCI's, so an upper can be exported as a layer as it is):
// - a whiteout is a regular file `.wh.NAME` in the upper: NAME is deleted from the layers below;
// - an opaque directory holds a `.wh..wh..opq` file: nothing below it in lower layers shows.
// Lower layers may carry the same markers (raw OCI layers can be stacked directly).
// Names starting with `.wh.` never appear in lookup or readdir; creating (or renaming to) one
// fails with EINVAL, like a name a file system cannot store.
//
// Choices, where Linux has options:
// - Inode numbers: the overlay stamps its own dev and gives every object a number of its own,
//   keyed by the underlying (dev, ino) of its topmost lower (or of its upper, for files made in the
//   upper); copy-up maps the new upper inode to the same number, so an ino never changes while
//   the file exists, including across copy-up and rename (like overlayfs with xino).
// - Hard links in a lower survive copy-up (like index=on): the first copy-up of a lower file with
//   nlink > 1 is remembered, other names of it read that copy and copy up as a link to it. The
//   index lives in memory only.
// - Renaming a directory that has lower content fails with EXDEV (overlayfs without
//   redirect_dir); `mv` falls back to copy + delete. Directories only in the upper rename freely.
// - A description opened read-only before a copy-up continues on the copy (Linux >= 4.19).
// - Lowers and the upper must not change behind the overlay's back (as on Linux): the merged
//   view is cached per directory.
import { Errno, SysError, fail } from '../../errors/errno.js';
import { FileType, Whence } from '../../vfs/file_type.js';
import { allocateDev, type Filesystem, type FsUsage } from '../../vfs/filesystem.js';
import { Inode, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import { DirectoryDescription } from '../../vfs/regular_file.js';
import { FileDescription, type Readiness } from '../../vfs/file_description.js';

/** Prefix of whiteout names (OCI image spec). */
export const WHITEOUT_PREFIX = '.wh.';
/** Marker file that makes a directory opaque (OCI image spec). */
export const OPAQUE_MARKER = '.wh..wh..opq';

const COPY_CHUNK = 1 << 16;

function keyOf(inode: Inode): string {
  return `${inode.fs.dev}:${inode.ino}`;
}

/** dir.lookup(name), or null when there is no such entry. */
function tryLookup(dir: Inode, name: string): Inode | null {
  try {
    return dir.lookup(name);
  } catch (e) {
    if (e instanceof SysError && (e.errno === Errno.NOENT || e.errno === Errno.NOTDIR)) return null;
    throw e;
  }
}

function has(dir: Inode, name: string): boolean {
  return tryLookup(dir, name) !== null;
}

function isOpaque(dir: Inode): boolean {
  return has(dir, OPAQUE_MARKER);
}

/** Removes dir/name if it is there. */
function removeIfPresent(dir: Inode, name: string): void {
  if (has(dir, name)) dir.unlink(name);
}

/** The directories below a merged directory: cut after the first opaque one. */
function stackBelow(dirs: Inode[]): Inode[] {
  const out: Inode[] = [];
  for (const d of dirs) {
    if (d.type !== FileType.DIRECTORY) break;
    out.push(d);
    if (isOpaque(d)) break;
  }
  return out;
}

/** What one name resolves to across layers: its upper entry (if any) and the lower ones below. */
interface Layered {
  upper: Inode | null;
  lowers: Inode[];
}

/**
 * Looks name up in the upper directory, then down the lower directories: the first entry found
 * decides the kind; a directory merges with directories of the same name below until a
 * non-directory, an opaque directory or a whiteout in some layer ends the stack.
 */
function lookupLayers(upper: Inode | null, lowers: Inode[], name: string): Layered {
  const res: Layered = { upper: null, lowers: [] };
  let first: Inode | null = null;
  const layers = upper ? [upper, ...lowers] : lowers;
  for (let i = 0; i < layers.length; i++) {
    const dir = layers[i]!;
    const child = tryLookup(dir, name);
    if (child) {
      if (first && child.type !== FileType.DIRECTORY) break;
      if (!first) first = child;
      if (upper && i === 0) res.upper = child;
      else res.lowers.push(child);
      if (child.type !== FileType.DIRECTORY || isOpaque(child)) break;
    }
    if (has(dir, WHITEOUT_PREFIX + name)) break;
  }
  return res;
}

/** Copies the bytes of regular file src into the (empty) regular file dst. */
function copyData(src: Inode, dst: Inode): void {
  const r = src.open({ read: true, write: false });
  try {
    const w = dst.open({ read: false, write: true });
    try {
      const buf = new Uint8Array(COPY_CHUNK);
      for (let off = 0; ; ) {
        const n = r.pread([buf], off);
        if (n === 0) break;
        w.pwrite([buf.subarray(0, n)], off);
        off += n;
      }
    } finally {
      w.release();
    }
  } finally {
    r.release();
  }
}

/** Sets times where the upper allows it (some file systems cannot set a symlink's). */
function trySetTimes(inode: Inode, atim: bigint, mtim: bigint): void {
  try {
    inode.setTimes(atim, mtim);
  } catch (e) {
    if (!(e instanceof SysError)) throw e;
  }
}

/** Runs fn, then puts dir's times back (copy-up is not a modification the user made). */
function keepTimes<T>(dir: Inode, fn: () => T): T {
  const st = dir.stat();
  const out = fn();
  trySetTimes(dir, st.atim, st.mtim);
  return out;
}

function checkCreatable(name: string): void {
  if (name.startsWith(WHITEOUT_PREFIX)) fail(Errno.INVAL, `${name}: names starting with .wh. are reserved by the overlay`);
}

/** An overlay mount: lower directory roots (read-only, topmost first) under a writable upper. */
export class Overlayfs implements Filesystem {
  readonly type: string = 'overlay';
  readonly dev = allocateDev();
  readonly readonly = false;
  readonly root: OverlayDirectory;
  private nextIno = 1n;
  /** Underlying (dev:ino) → overlay inode number. */
  private readonly inos = new Map<string, bigint>();
  /** Lower (dev:ino) of a hard-linked lower file → its upper copy (overlayfs's index). */
  readonly index = new Map<string, Inode>();

  constructor(lower: Inode[], upper: Inode) {
    if (upper.type !== FileType.DIRECTORY || lower.some((d) => d.type !== FileType.DIRECTORY)) fail(Errno.NOTDIR);
    if (upper.fs.readonly) fail(Errno.ROFS, 'overlay: the upper file system is read-only');
    this.root = new OverlayDirectory(this, null, '', upper, isOpaque(upper) ? [] : stackBelow(lower));
  }

  /** The overlay inode number of the object made of upper over lower (stable while it exists). */
  inoFor(upper: Inode | null, lower: Inode | null): bigint {
    const keys = [upper, lower].filter((i) => i !== null).map(keyOf);
    let ino: bigint | undefined;
    for (const k of keys) ino ??= this.inos.get(k);
    ino ??= this.nextIno++;
    for (const k of keys) this.inos.set(k, ino);
    return ino;
  }

  /** Records that upper now carries overlay inode number ino (after copy-up). */
  adoptIno(upper: Inode, ino: bigint): void {
    this.inos.set(keyOf(upper), ino);
  }

  usage(): FsUsage {
    return this.root.upper!.fs.usage?.() ?? { used: 0, capacity: Infinity };
  }

  /** Makes an OverlayNode of the right class. */
  node(parent: OverlayDirectory, name: string, l: Layered): OverlayNode {
    const top = l.upper ?? l.lowers[0]!;
    return top.type === FileType.DIRECTORY
      ? new OverlayDirectory(this, parent, name, l.upper, l.lowers)
      : new OverlayNode(this, parent, name, l.upper, l.lowers.slice(0, 1));
  }
}

/** A non-directory in the overlay (regular file, symlink, or whatever a lower holds). */
export class OverlayNode extends Inode {
  readonly ino: bigint;
  readonly type: FileType;

  constructor(
    readonly fs: Overlayfs,
    /** Where it is in the merged tree (for copy-up of the parent chain); null for the root. */
    public parent: OverlayDirectory | null,
    public name: string,
    /** Its upper inode, once it has one. */
    public upper: Inode | null,
    /** Directories: the lower directories merged under it. Others: its lower, if any. */
    public lowers: Inode[],
  ) {
    super();
    this.type = (upper ?? lowers[0]!).type;
    this.ino = fs.inoFor(upper, lowers[0] ?? null);
  }

  /** The inode whose bytes and attributes the overlay shows. */
  current(): Inode {
    if (this.upper) return this.upper;
    const lower = this.lowers[0]!;
    return this.fs.index.get(keyOf(lower)) ?? lower;
  }

  stat(): Stat {
    return { ...this.current().stat(), dev: this.fs.dev, ino: this.ino };
  }

  /** Gives this object an upper inode (copying the parent chain up first); returns it. */
  copyUp(): Inode {
    if (this.upper) return this.upper;
    if (!this.parent) fail(Errno.NOENT, 'overlay: the file was removed'); // detached, lower only
    const pu = this.parent.copyUp();
    const lower = this.lowers[0]!;
    const st = lower.stat();
    this.upper = keepTimes(pu, () => this.makeUpper(pu, lower, st));
    this.fs.adoptIno(this.upper, this.ino);
    return this.upper;
  }

  protected makeUpper(pu: Inode, lower: Inode, st: Stat): Inode {
    let up: Inode;
    if (this.type === FileType.SYMBOLIC_LINK) {
      up = pu.createSymlink(this.name, lower.readlink());
    } else if (this.type === FileType.REGULAR_FILE) {
      const copied = this.fs.index.get(keyOf(lower));
      if (copied) {
        // Another name of this hard-linked file was copied up: link to that copy.
        try {
          pu.link(this.name, copied);
          return pu.lookup(this.name);
        } catch (e) {
          if (!(e instanceof SysError) || e.errno === Errno.EXIST) throw e;
        }
      }
      up = pu.createFile(this.name);
      try {
        copyData(copied ?? lower, up);
      } catch (e) {
        removeIfPresent(pu, this.name);
        throw e;
      }
      if (st.nlink > 1n && !copied) this.fs.index.set(keyOf(lower), up);
    } else {
      fail(Errno.NOTSUP, 'overlay: cannot copy up this kind of file');
    }
    trySetTimes(up, st.atim, st.mtim);
    return up;
  }

  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    this.copyUp().setTimes(atim, mtim);
  }

  override open(opts: OpenOptions): FileDescription {
    if (opts.write) this.copyUp();
    return new OverlayFileDescription(this, opts);
  }

  override truncate(size: bigint): void {
    if (this.type !== FileType.REGULAR_FILE) fail(Errno.INVAL);
    this.copyUp().truncate(size);
  }

  override readlink(): string {
    return this.current().readlink();
  }
}

/** A directory in the overlay: its upper directory (if any) over the lower ones it merges. */
export class OverlayDirectory extends OverlayNode {
  /** Children looked up so far, so each object keeps its identity (and ino) while it exists. */
  private readonly children = new Map<string, OverlayNode>();

  override stat(): Stat {
    return { ...(this.upper ?? this.lowers[0]!).stat(), dev: this.fs.dev, ino: this.ino };
  }

  protected override makeUpper(pu: Inode, _lower: Inode, st: Stat): Inode {
    const up = pu.createDirectory(this.name);
    trySetTimes(up, st.atim, st.mtim);
    return up;
  }

  override open(_opts: OpenOptions): FileDescription {
    return new DirectoryDescription(this);
  }

  override truncate(): void {
    fail(Errno.ISDIR);
  }
  override readlink(): string {
    fail(Errno.INVAL);
  }

  override lookup(name: string): OverlayNode {
    const cached = this.children.get(name);
    if (cached) return cached;
    if (name.startsWith(WHITEOUT_PREFIX)) fail(Errno.NOENT);
    const l = lookupLayers(this.upper, this.lowers, name);
    if (!l.upper && l.lowers.length === 0) fail(Errno.NOENT);
    const node = this.fs.node(this, name, l);
    this.children.set(name, node);
    return node;
  }

  private tryChild(name: string): OverlayNode | null {
    return tryLookup(this, name) as OverlayNode | null;
  }

  override readdir(): Dirent[] {
    const names = new Set<string>();
    const hidden = new Set<string>();
    for (const dir of this.upper ? [this.upper, ...this.lowers] : this.lowers) {
      const whiteouts: string[] = [];
      for (const e of dir.readdir()) {
        if (e.name.startsWith(WHITEOUT_PREFIX)) {
          if (e.name !== OPAQUE_MARKER) whiteouts.push(e.name.slice(WHITEOUT_PREFIX.length));
        } else if (!hidden.has(e.name)) names.add(e.name);
      }
      for (const w of whiteouts) hidden.add(w);
    }
    const out: Dirent[] = [];
    for (const name of names) {
      const child = this.lookup(name);
      out.push({ name, ino: child.ino, type: child.type });
    }
    return out;
  }

  /** Whether a lower layer has something visible under name, were the upper not there. */
  private inLower(name: string): boolean {
    return lookupLayers(null, this.lowers, name).lowers.length > 0;
  }

  /** Common part of every create: checks, copy-up of this directory, then make + un-whiteout. */
  private create(name: string, make: (upper: Inode) => void): OverlayNode {
    checkCreatable(name);
    if (this.tryChild(name)) fail(Errno.EXIST);
    const up = this.copyUp();
    make(up);
    removeIfPresent(up, WHITEOUT_PREFIX + name);
    this.children.delete(name);
    return this.lookup(name);
  }

  override createFile(name: string): Inode {
    return this.create(name, (up) => up.createFile(name));
  }

  override createDirectory(name: string): Inode {
    return this.create(name, (up) => {
      const whitedOut = has(up, WHITEOUT_PREFIX + name);
      const d = up.createDirectory(name);
      // Recreating a deleted lower directory: what was in it must stay gone.
      if (whitedOut && this.inLower(name)) keepTimes(d, () => d.createFile(OPAQUE_MARKER));
    });
  }

  override createSymlink(name: string, target: string): Inode {
    return this.create(name, (up) => up.createSymlink(name, target));
  }

  override link(name: string, target: Inode): void {
    if (!(target instanceof OverlayNode) || target.fs !== this.fs) fail(Errno.XDEV);
    if (target.type === FileType.DIRECTORY) fail(Errno.PERM);
    checkCreatable(name);
    if (this.tryChild(name)) fail(Errno.EXIST);
    const tu = target.copyUp();
    this.create(name, (up) => up.link(name, tu));
  }

  /** Removes child name from the merged view; remove does the upper part. */
  private remove(name: string, child: OverlayNode, remove: (up: Inode) => void): void {
    const up = this.copyUp();
    // Whiteout first: with both present the upper entry wins, so no moment shows the lower one.
    if (this.inLower(name) && !has(up, WHITEOUT_PREFIX + name)) up.createFile(WHITEOUT_PREFIX + name);
    if (child.upper) remove(up);
    this.children.delete(name);
    child.parent = null;
  }

  override unlink(name: string): void {
    const child = this.lookup(name);
    if (child.type === FileType.DIRECTORY) fail(Errno.ISDIR);
    this.remove(name, child, (up) => up.unlink(name));
  }

  override rmdir(name: string): void {
    const child = this.lookup(name);
    if (!(child instanceof OverlayDirectory)) fail(Errno.NOTDIR);
    child.checkEmpty();
    this.remove(name, child, (up) => {
      child.clearMarkers();
      up.rmdir(name);
    });
  }

  /** ENOTEMPTY unless the merged view of this directory is empty. */
  checkEmpty(): void {
    if (this.readdir().length > 0) fail(Errno.NOTEMPTY);
  }

  /** Deletes the whiteouts and opaque marker of an (empty) upper directory so it can go. */
  clearMarkers(): void {
    if (!this.upper) return;
    for (const e of this.upper.readdir()) if (e.name.startsWith(WHITEOUT_PREFIX)) this.upper.unlink(e.name);
  }

  override rename(name: string, newDir: Inode, newName: string): void {
    if (!(newDir instanceof OverlayDirectory) || newDir.fs !== this.fs) fail(Errno.XDEV);
    const src = this.lookup(name);
    if (newDir === this && name === newName) return;
    checkCreatable(newName);
    const isDir = src instanceof OverlayDirectory;
    if (isDir) {
      // Without redirect_dir, a directory with lower content cannot move (mv copies instead).
      if (src.lowers.length > 0) fail(Errno.XDEV, 'overlay: cannot rename a directory that has lower layers');
      for (let d: OverlayDirectory | null = newDir; d; d = d.parent) if (d === src) fail(Errno.INVAL);
    }
    const existing = newDir.tryChild(newName);
    if (existing) {
      if (isDir) {
        if (!(existing instanceof OverlayDirectory)) fail(Errno.NOTDIR);
        existing.checkEmpty();
      } else {
        if (existing instanceof OverlayDirectory) fail(Errno.ISDIR);
        if (existing.ino === src.ino) return; // two names of one file: nothing to do
      }
    }
    const su = src.copyUp();
    const up = this.copyUp();
    const nu = newDir.copyUp();
    // A directory landing on a name a lower layer has must hide what is below it.
    if (isDir && newDir.inLower(newName) && !isOpaque(su)) keepTimes(su, () => su.createFile(OPAQUE_MARKER));
    if (this.inLower(name) && !has(up, WHITEOUT_PREFIX + name)) up.createFile(WHITEOUT_PREFIX + name);
    if (existing instanceof OverlayDirectory) existing.clearMarkers();
    up.rename(name, nu, newName);
    removeIfPresent(nu, WHITEOUT_PREFIX + newName);
    if (existing) existing.parent = null;
    this.children.delete(name);
    newDir.children.set(newName, src);
    src.parent = newDir;
    src.name = newName;
  }
}

/**
 * An open non-directory of the overlay. Reads go to whatever the node currently shows: a
 * description opened on a lower file moves to the upper copy once the file is copied up,
 * keeping its offset. stat and setTimes go through the overlay node (its dev and ino).
 */
class OverlayFileDescription extends FileDescription {
  readonly filetype: FileType;
  private source: Inode;
  private inner: FileDescription;

  constructor(
    private readonly node: OverlayNode,
    private readonly opts: OpenOptions,
  ) {
    super(node);
    this.source = node.current();
    this.inner = this.source.open(opts);
    this.filetype = this.inner.filetype;
  }

  /** The underlying description, switched to the upper copy if there is a new one. */
  private d(): FileDescription {
    const now = this.node.current();
    if (now !== this.source) {
      const next = now.open(this.opts);
      next.seek(this.inner.tell(), Whence.SET);
      this.inner.release();
      this.inner = next;
      this.source = now;
    }
    this.inner.statusFlags = this.statusFlags;
    return this.inner;
  }

  override get isTerminal(): boolean {
    return this.inner.isTerminal;
  }
  override read(iovs: Uint8Array[]) {
    return this.d().read(iovs);
  }
  override write(iovs: Uint8Array[]) {
    return this.d().write(iovs);
  }
  override pread(iovs: Uint8Array[], offset: number): number {
    return this.d().pread(iovs, offset);
  }
  override pwrite(iovs: Uint8Array[], offset: number): number {
    return this.d().pwrite(iovs, offset);
  }
  override seek(offset: number, whence: Whence): number {
    return this.d().seek(offset, whence);
  }
  override tell(): number {
    return this.d().tell();
  }
  override setSize(size: bigint): void {
    this.d().setSize(size);
  }
  override allocate(offset: bigint, len: bigint): void {
    this.d().allocate(offset, len);
  }
  override sync(): void | Promise<void> {
    return this.d().sync();
  }
  override datasync(): void | Promise<void> {
    return this.d().datasync();
  }
  override readReadiness(): Readiness {
    return this.d().readReadiness();
  }
  override writeReadiness(): Readiness {
    return this.d().writeReadiness();
  }
  override watch(cb: () => void): () => void {
    return this.d().watch(cb);
  }
  override release(): void {
    this.inner.release();
  }
}
