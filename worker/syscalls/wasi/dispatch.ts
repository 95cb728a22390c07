// The WASI syscall tables as the kernel registers them: wasi_snapshot_preview1 and the older
// wasi_unstable are two registrations of the same handlers, each with its own struct layouts
// and whence numbers (layout.ts). A table's dispatch runs the handler with kernel errors turned
// into WASI errnos, logs the call under strace, and counts calls answered as unsupported.
import { WasiErrno, wasiErrno } from './abi.js';
import { SIGNATURES, UNSTABLE_NAMES, VDSO_CALLS } from './signatures.js';
import { SYSCALL_TABLE } from './table.js';
import { PREVIEW1, UNSTABLE, type Layout } from './layout.js';
import { errnoOf } from './util.js';
import { formatCall, formatResult } from './strace.js';
import { Errno } from '../../errors/errno.js';
import type { SyscallTable } from '../../kernel/syscall_table.js';
import type { Task } from '../../kernel/task.js';
import type { TrapEntry, VdsoOp } from '../../platform/platform.js';

const VDSO_OPS: Record<string, VdsoOp> = {
  args_sizes_get: 'args_sizes', args_get: 'args', environ_sizes_get: 'environ_sizes', environ_get: 'environ',
  clock_res_get: 'clock_res', clock_time_get: 'clock_time', random_get: 'random', sched_yield: 'yield',
};

const PROC_EXIT = SIGNATURES.findIndex((s) => s.name === 'proc_exit');

function makeTable(module: string, names: readonly string[], L: Layout): SyscallTable {
  const functions: TrapEntry[] = SIGNATURES.flatMap((sig, num) =>
    names.includes(sig.name)
      ? [{ name: sig.name, num, wide: sig.params.map((p) => p[1] === 'i64'), returns: sig.name !== 'proc_exit', vdso: VDSO_CALLS.has(sig.name) ? VDSO_OPS[sig.name] : undefined,
          // fd_write's iovecs are two u32s in both layouts: a write-behind fd may queue it.
          gatherWrite: sig.name === 'fd_write' || undefined,
          // fd_pread's too: a direct-read fd's reads may be made in the process.
          positionedRead: sig.name === 'fd_pread' || undefined }]
      : []);
  return {
    module,
    imports: { module, functions, vdsoErrno: { fault: WasiErrno.FAULT, inval: WasiErrno.INVAL } },
    exitCall: PROC_EXIT,
    dispatch(t: Task, num, a, strace) {
      const entry = SYSCALL_TABLE[num];
      if (!entry || !t.alive) return WasiErrno.NOSYS;
      const k = t.kernel;
      k.current = t;
      const line = strace ? formatCall(t, SIGNATURES[num]!, a, L.name) : '';
      const started = strace ? performance.now() : 0;
      let r: number | Promise<number>;
      try {
        r = entry.handler(t, a, L);
      } catch (e) {
        r = errnoOf(e, entry.name);
      } finally {
        k.current = null;
      }
      const done = (errno: number): number => {
        if (errno === Errno.NOSYS || errno === Errno.NOTSUP) k.countUnsupported(entry.name);
        const w = wasiErrno(errno);
        if (strace) k.straceSink(line + formatResult(w, errno, (performance.now() - started) * 1000));
        return w;
      };
      if (typeof r === 'number') return r === 0 && !strace ? 0 : done(r);
      t.state = 'sleeping';
      return r.then(
        (v) => {
          t.state = t.alive ? 'running' : 'zombie';
          return done(v);
        },
        (e) => {
          t.state = t.alive ? 'running' : 'zombie';
          return done(errnoOf(e, entry.name));
        },
      );
    },
  };
}

/** wasi_snapshot_preview1: all 46 functions. */
export const WASI_PREVIEW1: SyscallTable = makeTable('wasi_snapshot_preview1', SIGNATURES.map((s) => s.name), PREVIEW1);
/** wasi_unstable: the same functions but sock_accept, with its own layouts. */
export const WASI_UNSTABLE: SyscallTable = makeTable('wasi_unstable', UNSTABLE_NAMES, UNSTABLE);
