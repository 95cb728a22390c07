// Helpers shared by the syscall handlers: fd lookup with rights checks, the dirfd of a path
// call, and turning exceptions into errnos.
import { Fstflags } from './abi.js';
import type { Layout } from './layout.js';
import { nowNs } from '../../vfs/inode.js';
import { FileType } from '../../vfs/file_type.js';
import { Errno, fail, SysError } from '../../errors/errno.js';
import { Rights, RIGHTS_ALL, RIGHTS_UNKNOWN } from '../../kernel/rights.js';
import type { FdEntry } from '../../kernel/fd_table.js';
import type { Task } from '../../kernel/task.js';
import type { SyscallArgs } from '../../platform/platform.js';

/**
 * A syscall handler: decodes its arguments, calls into the kernel, writes results into the
 * task's memory and answers a kernel errno (0 on success); failures may also be thrown as
 * SysError. The table converts the errno to WASI's. L is the calling module's struct layouts.
 */
export type Handler = (t: Task, a: SyscallArgs, L: Layout) => number | Promise<number>;

/** A 64-bit rights argument as the kernel's rights number (unknown bits become RIGHTS_UNKNOWN). */
export function rightsArg(a: SyscallArgs, k: number): number {
  const lo = a.lo32(k);
  if (a.hi32(k) !== 0 || lo > RIGHTS_ALL) return (lo & RIGHTS_ALL) | RIGHTS_UNKNOWN;
  return lo;
}

/** The fd's entry, with `right` required. Read/write a fd was never opened for is EBADF (as in
 * Linux); a right dropped with fd_fdstat_set_rights (or never granted) is ENOTCAPABLE. */
export function fdWith(t: Task, fd: number, right: number): FdEntry {
  const e = t.fds.get(fd);
  if ((e.rightsBase & right) !== right) {
    if (e.desc.filetype === FileType.DIRECTORY) {
      // Reading a directory (fd_read, fd_pread) is EISDIR, as read(2) on Linux (`cat DIR`); every
      // other byte operation a directory has no right for (write, seek, tell) is EBADF, as in
      // wasmtime (a directory is never open for writing, so Linux's write(2) says EBADF too).
      if ((right & Rights.FD_READ) !== 0) fail(Errno.ISDIR);
      if ((right & (Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL)) !== 0) fail(Errno.BADF);
    }
    if ((right === Rights.FD_READ || right === Rights.FD_WRITE) && (e.openedRights & right) === 0) fail(Errno.BADF);
    // Changing a file's size needs it open for writing, as ftruncate does on Linux.
    if ((right === Rights.FD_FILESTAT_SET_SIZE || right === Rights.FD_ALLOCATE) && (e.openedRights & Rights.FD_WRITE) === 0) fail(Errno.BADF);
    fail(Errno.NOTCAPABLE);
  }
  return e;
}

/** The directory fd a path_* call works relative to, with `right` required. */
export function dirWith(t: Task, fd: number, right: number): FdEntry {
  const e = t.fds.get(fd);
  if (e.desc.filetype !== FileType.DIRECTORY || !e.chain || !e.scope) fail(Errno.NOTDIR);
  if ((e.rightsBase & right) !== right) fail(Errno.NOTCAPABLE);
  return e;
}

/** The errno an exception stands for; anything that is not a SysError is a kernel bug (EIO). */
export function errnoOf(e: unknown, what: string): number {
  if (e instanceof SysError) return e.errno;
  if (e instanceof RangeError) return Errno.FAULT; // a typed-array bound we did not pre-check
  console.error(`wasmvisor: kernel error in ${what}:`, e);
  return Errno.IO;
}

export function totalLength(iovs: Uint8Array[]): number {
  let n = 0;
  for (const v of iovs) n += v.length;
  return n;
}

/** Decodes atim/mtim/fst_flags into the times to set (null = leave alone). */
export function decodeTimes(atim: bigint, mtim: bigint, flags: number): [bigint | null, bigint | null] {
  if ((flags & Fstflags.ATIM && flags & Fstflags.ATIM_NOW) || (flags & Fstflags.MTIM && flags & Fstflags.MTIM_NOW)) fail(Errno.INVAL);
  if (flags & ~0xf) fail(Errno.INVAL);
  const now = nowNs();
  const at = flags & Fstflags.ATIM_NOW ? now : flags & Fstflags.ATIM ? atim : null;
  const mt = flags & Fstflags.MTIM_NOW ? now : flags & Fstflags.MTIM ? mtim : null;
  return [at, mt];
}

