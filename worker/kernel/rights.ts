// Capability rights of a file descriptor (Capsicum's idea, which WASI took over): what an fd
// may be used for, kept in its FdTable entry, and only ever dropped. Plain numbers (30 bits),
// so checking a right on the hot path is an integer AND. The bit positions are WASI's rights
// bits by design (syscalls/wasi/abi.ts states that and a test checks it); the kernel names
// them in its own module so nothing below the syscall table imports the ABI.
import { FileType } from '../vfs/file_type.js';
import type { FileDescription } from '../vfs/file_description.js';

export const Rights = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
} as const;

/** Every right there is. */
export const RIGHTS_ALL = (1 << 30) - 1;
/**
 * Stands for "bits that are no right at all" in a rights set a program passed: never held by an
 * fd, so a request carrying it is refused where rights may only be dropped.
 */
export const RIGHTS_UNKNOWN = 1 << 30;

/** Rights that only make sense on a regular file (or a stream). */
export const RIGHTS_FILE_BASE =
  Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/** Rights that only make sense on a directory. */
export const RIGHTS_DIR_BASE =
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_ADVISE | Rights.PATH_CREATE_DIRECTORY |
  Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN |
  Rights.FD_READDIR | Rights.PATH_READLINK | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET |
  Rights.PATH_FILESTAT_GET | Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK |
  Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE;

/** What a directory fd may hand down to the files opened beneath it. */
export const RIGHTS_DIR_INHERITING = RIGHTS_DIR_BASE | RIGHTS_FILE_BASE;

/** Rights of a character device / pipe / tty stream. */
export const RIGHTS_STREAM =
  Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE | Rights.FD_SYNC | Rights.FD_DATASYNC;

/**
 * The rights a description's fd starts with. A character device that is not a terminal
 * (/dev/null, ...) can seek, like on Linux; that matters because wasi-libc's isatty() takes a
 * character device without seek rights for a terminal.
 */
export function rightsFor(desc: FileDescription): { base: number; inheriting: number } {
  switch (desc.filetype) {
    case FileType.REGULAR_FILE: return { base: RIGHTS_FILE_BASE, inheriting: 0 };
    case FileType.DIRECTORY: return { base: RIGHTS_DIR_BASE, inheriting: RIGHTS_DIR_INHERITING };
    case FileType.CHARACTER_DEVICE:
      return { base: desc.isTerminal ? RIGHTS_STREAM : RIGHTS_STREAM | Rights.FD_SEEK | Rights.FD_TELL, inheriting: 0 };
    default: return { base: RIGHTS_STREAM, inheriting: 0 };
  }
}
