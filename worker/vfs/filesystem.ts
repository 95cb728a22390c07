// Filesystem: one mounted file system instance (tmpfs, devfs, procfs, hostfs, ...).
// The VFS only needs its root Inode and a few facts; path walking is done by the VFS one
// component at a time through Inode.lookup, so every implementation gets the same `..`,
// symlink and mount-crossing rules.
import type { Inode } from './inode.js';

let nextDev = 1n;

/** Allocates a device number for a new Filesystem instance. */
export function allocateDev(): bigint {
  return nextDev++;
}

export interface FsUsage {
  /** Bytes used by file contents. */
  used: number;
  /** Bytes the file system may hold in total (Infinity when unbounded). */
  capacity: number;
}

export interface Filesystem {
  /** The type name shown in /proc/mounts: "tmpfs", "devfs", "proc", "hostfs". */
  readonly type: string;
  /** Device number stamped into every Stat of this file system. */
  readonly dev: bigint;
  readonly root: Inode;
  readonly readonly: boolean;
  usage?(): FsUsage;
}
