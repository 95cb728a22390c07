// POSIX rename rules for file systems whose directories hold their children in a Map (tmpfs,
// idbfs): what rename(2) must refuse or replace before the entry moves, in one place. The file
// system then moves the entry and does its own bookkeeping (link counts, parents, times).
import { Errno, fail } from '../errors/errno.js';
import type { Inode } from './inode.js';

/** What prepareRename needs of a directory. */
export interface MapDirectory extends Inode {
  readonly children: Map<string, Inode>;
  readonly parent: MapDirectory | null;
  rmdir(name: string): void;
  unlink(name: string): void;
}

/**
 * Checks rename(src/name → dst/newName) and removes what the new name replaces. Returns the
 * entry to move, or null when there is nothing to do (the same name, or two links to one file).
 * isDir tells the file system's directories apart (dst is already known to be one of them).
 */
export function prepareRename<D extends MapDirectory>(
  src: D, name: string, dst: D, newName: string, isDir: (i: Inode) => i is D,
): Inode | null {
  const child = src.children.get(name) ?? fail(Errno.NOENT);
  if (dst === src && name === newName) return null;
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
      if (existing === child) return null; // both names are links to one file: nothing to do
      dst.unlink(newName);
    }
  }
  return child;
}
