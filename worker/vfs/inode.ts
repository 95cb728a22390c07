// Inode: a file system object (regular file, directory, symlink, device) as the VFS sees it.
// Every Filesystem implementation provides Inodes; operations that do not apply to a kind of
// Inode fail with the errno Linux would give (ENOTDIR, EISDIR, EINVAL, ...). All inode operations
// are synchronous: file systems keep what they need in memory (or use synchronous host calls),
// so only truly blocking things (pipes, terminals, poll) make a syscall wait.
import { Errno, fail } from '../errors/errno.js';
import { FileType } from './file_type.js';
import type { FileDescription } from './file_description.js';
import type { Filesystem } from './filesystem.js';

/** What fd_filestat_get / path_filestat_get report. Times are nanoseconds since the epoch. */
export interface Stat {
  dev: bigint;
  ino: bigint;
  filetype: FileType;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

/** One entry of a directory listing. */
export interface Dirent {
  name: string;
  ino: bigint;
  type: FileType;
}

/** Flags the VFS passes when opening an inode. */
export interface OpenOptions {
  read: boolean;
  write: boolean;
}

/** Current time in nanoseconds since the epoch (what file times are stamped with). */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

/**
 * The base every Inode extends. Subclasses override what their kind supports; the defaults
 * fail the way Linux does for an object of the wrong kind.
 */
export abstract class Inode {
  abstract readonly fs: Filesystem;
  abstract readonly ino: bigint;
  abstract readonly type: FileType;

  abstract stat(): Stat;

  /** Sets access/modification times (null leaves one unchanged). */
  setTimes(_atim: bigint | null, _mtim: bigint | null): void {
    fail(Errno.PERM);
  }

  /** Opens this inode; the description serves its reads, writes and seeks. */
  open(_opts: OpenOptions): FileDescription {
    fail(Errno.NOTSUP);
  }

  /** Sets the size of a regular file (truncate or extend with zeros). */
  truncate(_size: bigint): void {
    fail(this.type === FileType.DIRECTORY ? Errno.ISDIR : Errno.INVAL);
  }

  // ---- directories ----
  /** The child called name (not "." or ".."; the VFS handles those). */
  lookup(_name: string): Inode {
    fail(Errno.NOTDIR);
  }
  /** All children, without "." and "..". */
  readdir(): Dirent[] {
    fail(Errno.NOTDIR);
  }
  /** Creates an empty regular file; EEXIST if name exists. */
  createFile(_name: string): Inode {
    fail(Errno.NOTDIR);
  }
  createDirectory(_name: string): Inode {
    fail(Errno.NOTDIR);
  }
  createSymlink(_name: string, _target: string): Inode {
    fail(Errno.NOTDIR);
  }
  /** Adds a hard link to target (same file system) under name. */
  link(_name: string, _target: Inode): void {
    fail(Errno.NOTDIR);
  }
  /** Removes a non-directory entry. */
  unlink(_name: string): void {
    fail(Errno.NOTDIR);
  }
  /** Removes an empty directory entry. */
  rmdir(_name: string): void {
    fail(Errno.NOTDIR);
  }
  /** Moves child name to newDir/newName (same file system), replacing per POSIX rename rules. */
  rename(_name: string, _newDir: Inode, _newName: string): void {
    fail(Errno.NOTDIR);
  }

  // ---- symlinks ----
  readlink(): string {
    fail(Errno.INVAL);
  }
}
