// Direct reads: a process's table of the fds whose positioned reads (fd_pread) the process
// worker makes itself, on the host fd the kernel holds open for them (worker_threads share the
// Node process's fds), instead of trapping: a 1-byte pread of a host file then costs a host read,
// not a round trip to the kernel. The kernel fills and clears it (kernel/direct_reads.ts decides
// which fds qualify); the process reads it before each fd_pread. Int32 k: host fd of fd k, or -1.

/** Fds below this may be direct. */
export const DIRECT_FDS = 64;

export function newDirectReads(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(DIRECT_FDS * 4);
  new Int32Array(sab).fill(-1);
  return sab;
}

/** Kernel side: fd's reads go to hostFd (null: they trap). */
export function setDirectRead(table: Int32Array, fd: number, hostFd: number | null): void {
  if (fd >>> 0 < DIRECT_FDS) Atomics.store(table, fd, hostFd ?? -1);
}

/** Process side: the host fd to read fd from, or -1. */
export function directReadFd(table: Int32Array, fd: number): number {
  return fd >>> 0 < DIRECT_FDS ? Atomics.load(table, fd) : -1;
}
