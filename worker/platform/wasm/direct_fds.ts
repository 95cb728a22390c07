// Direct fds: a process's tables of the fds whose positioned reads (fd_pread) and whose writes
// (fd_write) the process worker makes itself, on the host fd the kernel holds open for them
// (worker_threads share the Node process's fds), instead of trapping: a 1-byte pread of a host
// file costs a host read, and a write to the command's stdout a host write, not a round trip to
// the kernel. The kernel fills and clears them (kernel/direct_fds.ts decides which fds qualify),
// always while the process is stopped in a call; the process reads them before each such call.
// Layout: Int32 k (k < DIRECT_FDS) the host fd to pread fd k from, DIRECT_FDS + k the host fd to
// write fd k to; -1: none (the call traps).

/** Fds below this may be direct. */
export const DIRECT_FDS = 64;

export type DirectKind = 'read' | 'write';

export function newDirectFds(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(2 * DIRECT_FDS * 4);
  new Int32Array(sab).fill(-1);
  return sab;
}

const base = (kind: DirectKind): number => (kind === 'read' ? 0 : DIRECT_FDS);

/** Kernel side: fd's reads or writes go to hostFd (null: they trap). */
export function setDirectFd(table: Int32Array, kind: DirectKind, fd: number, hostFd: number | null): void {
  if (fd >>> 0 < DIRECT_FDS) Atomics.store(table, base(kind) + fd, hostFd ?? -1);
}

/** Process side: the host fd to read or write fd on, or -1. */
export function directFd(table: Int32Array, kind: DirectKind, fd: number): number {
  return fd >>> 0 < DIRECT_FDS ? Atomics.load(table, base(kind) + fd) : -1;
}
