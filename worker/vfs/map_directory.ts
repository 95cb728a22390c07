// Directories that keep their children in a Map (tmpfs, idbfs, imagefs): their listing, and the
// POSIX rules of rename with the move itself, written once. The file systems keep their own
// creation, removal and storage bookkeeping; a rename's link counts, parents and times are the
// same for all of them.
import { Errno, fail } from '../errors/errno.js';
import type { Dirent, Inode } from './inode.js';
import { nowNs } from './inode.js';
import type { MemoryInode } from './memory_inode.js';

/** The entries of a Map-held directory, as readdir lists them. */
export function direntsOf(children: ReadonlyMap<string, Inode>): Dirent[] {
  const out: Dirent[] = [];
  for (const [name, child] of children) out.push({ name, ino: child.ino, type: child.type });
  return out;
}

/** What renameInMap needs of a directory. */
export interface MapDirectory extends MemoryInode {
  readonly children: Map<string, MemoryInode>;
  parent: MapDirectory | null;
  rmdir(name: string): void;
  unlink(name: string): void;
}

/**
 * rename(src/name → dst/newName) between two directories of one file system: refuses what
 * rename(2) refuses, removes what the new name replaces, moves the entry and keeps the link
 * counts, the moved directory's parent and the times. isDir tells the file system's
 * directories apart.
 */
export function renameInMap<D extends MapDirectory>(src: D, name: string, dst: D, newName: string, isDir: (i: Inode) => i is D): void {
  const child = src.children.get(name) ?? fail(Errno.NOENT);
  if (dst === src && name === newName) return;
  if (isDir(child)) {
    // A directory cannot move into itself or its own subtree.
    for (let d: MapDirectory | null = dst; d; d = d.parent) if (d === child) fail(Errno.INVAL);
  }
  const existing = dst.children.get(newName);
  if (existing) {
    if (isDir(child)) {
      if (!isDir(existing)) fail(Errno.NOTDIR);
      if (existing.children.size > 0) fail(Errno.NOTEMPTY);
      dst.rmdir(newName);
    } else {
      if (isDir(existing)) fail(Errno.ISDIR);
      if (existing === child) return; // both names are links to one file: nothing to do
      dst.unlink(newName);
    }
  }
  src.children.delete(name);
  dst.children.set(newName, child);
  if (isDir(child)) {
    child.parent = dst;
    src.nlink--;
    dst.nlink++;
  }
  child.settle();
  child.ctim = nowNs();
  child.changed();
  src.touch();
  dst.touch();
}
