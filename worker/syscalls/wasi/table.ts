// The syscall table: every wasi_snapshot_preview1 function, its handler and how fully this
// kernel supports it (gVisor's linux64.go with Supported/PartiallySupported and a note).
// `wasmvisor syscalls` prints it. The older wasi_unstable module maps onto the same entries
// (see signatures.ts and layout.ts).
import { SIGNATURES } from './signatures.js';
import type { Handler } from './util.js';
import * as fd from './fd.js';
import * as path from './path.js';
import * as proc from './proc.js';
import * as sock from './sock.js';
import { poll_oneoff } from './poll.js';

export type Support = 'supported' | 'partial' | 'unsupported';

export interface SyscallEntry {
  readonly name: string;
  readonly handler: Handler;
  readonly support: Support;
  readonly note?: string;
}

const handlers: Record<string, Handler> = { ...fd, ...path, ...proc, ...sock, poll_oneoff };

const notes: Record<string, [Support, string]> = {
  args_get: ['supported', 'served in the process worker (vDSO) unless --strace'],
  args_sizes_get: ['supported', 'served in the process worker (vDSO) unless --strace'],
  environ_get: ['supported', 'served in the process worker (vDSO) unless --strace'],
  environ_sizes_get: ['supported', 'served in the process worker (vDSO) unless --strace'],
  clock_res_get: ['supported', 'vDSO; reports 1 µs (browsers coarsen performance.now further)'],
  clock_time_get: ['supported', 'vDSO; CPU-time clocks report the monotonic clock'],
  random_get: ['supported', 'vDSO; crypto.getRandomValues'],
  sched_yield: ['supported', 'vDSO; each process has its own thread, nothing to yield to'],
  fd_advise: ['supported', 'validated, then ignored: file data is in memory'],
  fd_fdstat_set_flags: ['supported', 'APPEND and NONBLOCK change behaviour; DSYNC/RSYNC/SYNC are recorded (every write completes synchronously)'],
  proc_exit: ['supported', 'status 0..255; a status above 255 ends the program with 1 and a message, never success'],
  fd_readdir: ['supported', 'a cookie indexes the listing taken when reading started at cookie 0: O(1) to resume'],
  proc_raise: ['partial', 'terminating signals end the process with 128+n; ignored ones are ignored; stop signals answer ENOTSUP'],
  sock_accept: ['partial', 'no socket fds exist in this kernel: ENOTSOCK on any open fd'],
  sock_recv: ['partial', 'no socket fds exist in this kernel: ENOTSOCK on any open fd'],
  sock_send: ['partial', 'no socket fds exist in this kernel: ENOTSOCK on any open fd'],
  sock_shutdown: ['partial', 'no socket fds exist in this kernel: ENOTSOCK on any open fd'],
  poll_oneoff: ['supported', 'clocks and fd readiness; blocks the calling process only'],
};

/** Indexed by syscall number (the position in SIGNATURES). */
export const SYSCALL_TABLE: readonly SyscallEntry[] = SIGNATURES.map((sig) => {
  const handler = handlers[sig.name];
  if (!handler) throw new Error(`no handler for ${sig.name}`);
  const [support, note] = notes[sig.name] ?? ['supported', undefined];
  return { name: sig.name, handler, support, note };
});
