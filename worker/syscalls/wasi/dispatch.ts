// dispatchSyscall: the one entry of every system call into the kernel. Picks the table entry
// (and the wasi_unstable layout for calls from that module), runs the handler with errors
// turned into errnos, logs the call under strace, and counts calls answered as unsupported.
import { Errno } from './abi.js';
import { SIGNATURES, UNSTABLE_BASE } from './signatures.js';
import { SYSCALL_TABLE } from './table.js';
import { PREVIEW1, UNSTABLE } from './layout.js';
import { errnoOf } from './util.js';
import { formatCall, formatResult } from './strace.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Task } from '../../kernel/task.js';
import type { SyscallArgs } from '../../platform/platform.js';

export function dispatchSyscall(k: Kernel, t: Task, num: number, a: SyscallArgs, strace: boolean): number | Promise<number> {
  const unstable = num >= UNSTABLE_BASE;
  const idx = unstable ? num - UNSTABLE_BASE : num;
  const entry = SYSCALL_TABLE[idx];
  if (!entry || !t.alive) return Errno.NOSYS;
  t.layout = unstable ? UNSTABLE : PREVIEW1;
  k.current = t;
  const line = strace ? formatCall(t, SIGNATURES[idx]!, a, t.layout.name) : '';
  const started = strace ? performance.now() : 0;
  let r: number | Promise<number>;
  try {
    r = entry.handler(t, a);
  } catch (e) {
    r = errnoOf(e, entry.name);
  } finally {
    k.current = null;
  }
  const done = (errno: number): number => {
    if (errno === Errno.NOSYS || errno === Errno.NOTSUP) k.countUnsupported(entry.name);
    if (strace) k.straceSink(line + formatResult(errno, (performance.now() - started) * 1000));
    return errno;
  };
  if (typeof r === 'number') return done(r);
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
}
