// SyscallTable: one system call ABI as the kernel holds it (gVisor's kernel.SyscallTable, of
// which linux64 and arm64 are registrations). Whoever assembles a machine registers the tables
// (wasi_snapshot_preview1, wasi_unstable, ...); a task is started with them and every call it
// makes is served by the table it came through. The kernel never imports an ABI: it knows a
// table only through this interface.
import type { AbiImports, SyscallArgs } from '../platform/platform.js';
import type { Task } from './task.js';

/** Syscall numbers of one table are below this; table k's calls are numbered from k * this. */
export const CALLS_PER_TABLE = 64;

export interface SyscallTable {
  /** The import module a program names to get these calls ("wasi_snapshot_preview1"). */
  readonly module: string;
  /**
   * Every function of the module, with its number inside this table (0..CALLS_PER_TABLE-1),
   * which parameters are 64-bit, and the vDSO operation that may serve it in the process.
   */
  readonly imports: AbiImports;
  /** The table's number for "exit with the status in argument 0" (a return from _start). */
  readonly exitCall: number;
  /**
   * Serves call `num` (this table's numbering) for task t: decodes the arguments, calls into the
   * kernel, writes results into the task's memory, and answers the errno in the ABI's numbers.
   * Never throws: a failure is an errno.
   */
  dispatch(t: Task, num: number, args: SyscallArgs, strace: boolean): number | Promise<number>;
}
