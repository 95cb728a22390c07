// VirtualFilesystem: the mount table and path resolution (gVisor's vfs.VirtualFilesystem).
// Paths are walked one component at a time through Inode.lookup, so every file system gets the
// same rules: `.`/`..` never climb above the directory a walk is confined to (a preopen, or the
// container's root where `..` stays put, like Linux's `/..`), symlinks are expanded by the VFS
// with a depth limit (ELOOP), and mounts are found by (parent directory, name), so a file system
// can be mounted on a name that does not exist underneath (for /dev and /proc over a host dir).
import { Errno, fail } from '../errors/errno.js';
import { FileType } from './file_type.js';
import type { Filesystem } from './filesystem.js';
import type { Inode } from './inode.js';

/** Symlink expansions allowed in one resolution (Linux's MAXSYMLINKS). */
export const MAX_SYMLINKS = 40;
/** Linux's PATH_MAX: a path argument, with its terminating NUL, fits in this many bytes (so at
 *  most 4095 bytes of UTF-8); a longer one is ENAMETOOLONG. Paths to deeper objects are reached
 *  relative to a directory fd, one part at a time. */
export const PATH_MAX = 4096;
/** Longest single name in bytes of UTF-8, like Linux's NAME_MAX. */
export const NAME_MAX = 255;

/** The length of s in bytes of UTF-8. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1; // a surrogate pair: 2+2
  }
  return n;
}

/** ENAMETOOLONG for a name longer than NAME_MAX bytes. */
export function checkName(name: string): void {
  if (name.length > NAME_MAX || (name.length * 3 > NAME_MAX && utf8Length(name) > NAME_MAX)) {
    fail(Errno.NAMETOOLONG, `name of ${utf8Length(name)} bytes (longer than ${NAME_MAX})`);
  }
}

/**
 * Where a walk is: the chain of directories from the namespace root down to the current
 * inode (mount roots in place of the directories they cover). `..` pops the chain.
 */
export type Chain = Inode[];

/** A mounted file system. */
export class Mount {
  constructor(
    readonly fs: Filesystem,
    /** Absolute path of the mount point, for /proc/mounts. */
    readonly target: string,
    readonly source: string,
    readonly options: string,
    /** Not listed in its parent directory (a preopen that has a name but no place). */
    readonly hidden = false,
  ) {}
}

/** How a walk is confined. */
export interface WalkScope {
  /** `..` may not pop the chain below this length. */
  floor: number;
  /** At the floor, `..` stays put (container root) instead of failing with ENOTCAPABLE. */
  clampAtFloor: boolean;
  /** Absolute paths (and absolute symlink targets) restart at the namespace root. */
  allowAbsolute: boolean;
}

export interface ParentAndName {
  parent: Chain;
  name: string;
  /** The path ended in "/": the final object must be a directory. */
  trailingSlash: boolean;
}

function inodeKey(inode: Inode): string {
  return `${inode.fs.dev}:${inode.ino}`;
}

export class VirtualFilesystem {
  private readonly mountsByKey = new Map<string, Mount>();
  private readonly mountList: Mount[] = [];
  private rootMount: Mount;

  constructor(rootFs: Filesystem, source = 'none') {
    this.rootMount = new Mount(rootFs, '/', source, rootFs.readonly ? 'ro' : 'rw');
    this.mountList.push(this.rootMount);
  }

  get root(): Inode {
    return this.rootMount.fs.root;
  }

  /** The scope for paths interpreted like Linux paths in a container (`/..` is `/`). */
  get rootScope(): WalkScope {
    return { floor: 1, clampAtFloor: true, allowAbsolute: true };
  }

  mounts(): readonly Mount[] {
    return this.mountList;
  }

  /**
   * Mounts fs at the absolute path target. The parent of target must exist; target itself
   * need not (the mount then appears as a directory in its parent's listing).
   */
  mount(target: string, fs: Filesystem, source = 'none', options?: string, hidden = false): Mount {
    const opts = options ?? (fs.readonly ? 'ro' : 'rw');
    const norm = '/' + target.split('/').filter((p) => p !== '' && p !== '.').join('/');
    if (norm === '/') {
      if (this.mountList.length > 1) fail(Errno.BUSY, 'cannot replace the root with mounts on it');
      this.rootMount = new Mount(fs, '/', source, opts);
      this.mountList[0] = this.rootMount;
      return this.rootMount;
    }
    const { parent, name } = this.parentOf([this.root], norm, this.rootScope);
    const key = inodeKey(parent[parent.length - 1]!) + '/' + name;
    if (this.mountsByKey.has(key)) fail(Errno.BUSY, `${norm} is already a mount point`);
    const m = new Mount(fs, norm, source, opts, hidden);
    this.mountsByKey.set(key, m);
    this.mountList.push(m);
    return m;
  }

  /**
   * Mounts fs on the name `name` inside directory `dir`, which may lie outside this namespace's
   * tree (a container's root): `target` is what /proc/mounts shows.
   */
  mountAt(dir: Inode, name: string, fs: Filesystem, target: string, source = 'none', options?: string): Mount {
    if (dir.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    const key = inodeKey(dir) + '/' + name;
    if (this.mountsByKey.has(key)) fail(Errno.BUSY, `${target} is already a mount point`);
    const m = new Mount(fs, target, source, options ?? (fs.readonly ? 'ro' : 'rw'));
    this.mountsByKey.set(key, m);
    this.mountList.push(m);
    return m;
  }

  /** Removes a mount (made by mount or mountAt). The root cannot be unmounted. */
  unmount(m: Mount): void {
    if (m === this.rootMount) fail(Errno.BUSY, 'cannot unmount the root');
    for (const [key, v] of this.mountsByKey) if (v === m) this.mountsByKey.delete(key);
    const i = this.mountList.indexOf(m);
    if (i >= 0) this.mountList.splice(i, 1);
  }

  /** The root of what is mounted at dir/name, if anything. */
  mountedAt(dir: Inode, name: string): Inode | undefined {
    if (this.mountsByKey.size === 0) return undefined;
    return this.mountsByKey.get(inodeKey(dir) + '/' + name)?.fs.root;
  }

  /** Names of mount points directly inside dir (readdir shows them even if not in dir itself). */
  mountNamesIn(dir: Inode): string[] {
    if (this.mountsByKey.size === 0) return [];
    const prefix = inodeKey(dir) + '/';
    const out: string[] = [];
    for (const [key, m] of this.mountsByKey) if (key.startsWith(prefix) && !m.hidden) out.push(key.slice(prefix.length));
    return out;
  }

  /** Looks up one name in dir, crossing into a mount if one is there. */
  lookupChild(dir: Inode, name: string): Inode {
    checkName(name);
    const mounted = this.mountedAt(dir, name);
    if (mounted) return mounted;
    if (dir.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    return dir.lookup(name);
  }

  /**
   * Resolves path from start (a chain) and returns the chain of the final object.
   * followFinal: expand a symlink in the last component (O_NOFOLLOW when false).
   */
  resolve(start: Chain, path: string, scope: WalkScope, followFinal = true): Chain {
    checkPath(path);
    const budget = { symlinks: 0 };
    const chain = this.walk(start.slice(), path, scope, followFinal, budget);
    return chain;
  }

  /** The object at a path of this namespace, from its root (`/..` is `/`). */
  lookupPath(path: string, followFinal = true): Inode {
    const chain = this.resolve([this.root], path, this.rootScope, followFinal);
    return chain[chain.length - 1]!;
  }

  /**
   * Resolves all but the last component of path: the directory an entry is to be created in
   * or removed from, and the entry's name (which may be "." or ".."; callers reject those).
   */
  parentOf(start: Chain, path: string, scope: WalkScope): ParentAndName {
    checkPath(path);
    const trailingSlash = path.length > 1 && path.endsWith('/');
    const trimmed = path.replace(/\/+$/, '');
    if (trimmed === '') fail(Errno.EXIST, 'the root has no parent'); // "/" itself
    const slash = trimmed.lastIndexOf('/');
    const dirPart = slash < 0 ? '.' : slash === 0 ? '/' : trimmed.slice(0, slash);
    const name = trimmed.slice(slash + 1);
    checkName(name);
    const parent = this.resolve(start, dirPart, scope, true);
    const dir = parent[parent.length - 1]!;
    if (dir.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    return { parent, name, trailingSlash };
  }

  private walk(chain: Chain, path: string, scope: WalkScope, followFinal: boolean, budget: { symlinks: number }): Chain {
    if (path === '') fail(Errno.NOENT);
    if (path.startsWith('/')) {
      if (!scope.allowAbsolute) fail(Errno.NOTCAPABLE, 'absolute path outside the preopened directory');
      // Back to the walk's own root: the machine's, or a container's (never above it).
      chain.length = 1;
    }
    const parts = path.split('/');
    // A trailing slash means the final object must be a directory: follow it if a symlink.
    const trailingSlash = parts.length > 1 && parts[parts.length - 1] === '';
    const names = parts.filter((p) => p !== '');
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const last = i === names.length - 1;
      const dir = chain[chain.length - 1]!;
      if (name === '.') {
        if (dir.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
        continue;
      }
      if (name === '..') {
        if (dir.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
        if (chain.length <= scope.floor) {
          if (scope.clampAtFloor) continue;
          fail(Errno.NOTCAPABLE, 'path climbs out of the preopened directory');
        }
        chain.pop();
        continue;
      }
      const child = this.lookupChild(dir, name);
      if (child.type === FileType.SYMBOLIC_LINK && (!last || followFinal || trailingSlash)) {
        if (++budget.symlinks > MAX_SYMLINKS) fail(Errno.LOOP);
        const target = child.readlink();
        const next = this.walk(chain, target, scope, true, budget);
        chain = next;
        continue;
      }
      chain.push(child);
    }
    if (trailingSlash && chain[chain.length - 1]!.type !== FileType.DIRECTORY) fail(Errno.NOTDIR);
    return chain;
  }
}

function checkPath(path: string): void {
  if (path.length >= PATH_MAX || (path.length * 3 >= PATH_MAX && utf8Length(path) >= PATH_MAX)) {
    fail(Errno.NAMETOOLONG, `path of ${utf8Length(path)} bytes (PATH_MAX is ${PATH_MAX} with its NUL)`);
  }
  if (path.includes('\0')) fail(Errno.ILSEQ, 'path contains a NUL byte');
}

