// Process, clock, random and argument handlers as the kernel serves them. Args, environ,
// clocks, random and sched_yield are normally answered in the process worker (the vDSO);
// these kernel versions serve them under --strace so every call is seen.
import { signalFromWasi, WasiSignal } from './abi.js';
import { Errno, fail } from '../../errors/errno.js';
import { IGNORED_SIGNALS, signalName, STOPPING_SIGNALS } from '../../kernel/signals.js';
import type { Task } from '../../kernel/task.js';
import { nowNsFor } from './poll.js';
import type { Handler } from './util.js';

const encoder = new TextEncoder();

/** The status a program that passes proc_exit a status outside 0..255 ends with (wasmtime's). */
const INVALID_EXIT_STATUS = 1;

export const proc_exit: Handler = (t, a) => {
  const code = a.u32(0);
  // A status that does not fit a process's 8-bit exit status is never success (Linux would keep
  // its low byte, so 256 would read as 0): the program ends with an error, as in wasmtime.
  if (code > 255) {
    t.exit({ code: INVALID_EXIT_STATUS, reason: `proc_exit with invalid exit status ${code} (outside 0..255)` }, true);
  } else {
    t.exit({ code }, true);
  }
  return new Promise<number>(() => {}); // answered by the platform's unwind
};

export const proc_raise: Handler = (t, a) => {
  const wsig = a.u32(0) & 0xff;
  if (wsig === WasiSignal.NONE || wsig > WasiSignal.SYS) fail(Errno.INVAL);
  const sig = signalFromWasi(wsig);
  if (IGNORED_SIGNALS.has(sig)) return Errno.SUCCESS;
  // Stopping signals: there is no job control for a WASI program yet.
  if (STOPPING_SIGNALS.has(sig)) {
    t.kernel.countUnsupported('proc_raise');
    fail(Errno.NOTSUP, 'stopping signals are not supported');
  }
  t.exit({ code: 128 + sig, signal: sig, reason: `killed by ${signalName(sig)} (raised by the program)` }, true);
  return new Promise<number>(() => {});
};

export const sched_yield: Handler = () => Errno.SUCCESS;

function list(t: Task, which: 'args' | 'env'): Uint8Array[] {
  return (which === 'args' ? t.argv : t.env).map((s) => encoder.encode(s + '\0'));
}
function sizesOf(which: 'args' | 'env'): Handler {
  return (t, a) => {
    const l = list(t, which);
    t.mem.check(a.u32(0), 4);
    t.mem.check(a.u32(1), 4);
    t.mem.setU32(a.u32(0), l.length);
    t.mem.setU32(a.u32(1), l.reduce((n, b) => n + b.length, 0));
    return Errno.SUCCESS;
  };
}
function getOf(which: 'args' | 'env'): Handler {
  return (t, a) => {
    const l = list(t, which);
    const ptrs = a.u32(0);
    let at = a.u32(1);
    t.mem.check(ptrs, 4 * l.length);
    t.mem.check(at, l.reduce((n, b) => n + b.length, 0));
    l.forEach((b, k) => {
      t.mem.setU32(ptrs + 4 * k, at);
      t.mem.u8.set(b, at);
      at += b.length;
    });
    return Errno.SUCCESS;
  };
}
export const args_sizes_get = sizesOf('args');
export const args_get = getOf('args');
export const environ_sizes_get = sizesOf('env');
export const environ_get = getOf('env');

export const clock_res_get: Handler = (t, a) => {
  nowNsFor(a.u32(0)); // validates the clock id
  t.mem.setU64(a.u32(1), 1000n);
  return Errno.SUCCESS;
};

export const clock_time_get: Handler = (t, a) => {
  const ns = nowNsFor(a.u32(0));
  t.mem.setU64(a.u32(2), BigInt(Math.round(ns)));
  return Errno.SUCCESS;
};

const scratch = new Uint8Array(65536);
export const random_get: Handler = (t, a) => {
  const buf = a.u32(0);
  const len = a.u32(1);
  t.mem.check(buf, len);
  for (let off = 0; off < len; off += scratch.length) {
    const part = scratch.subarray(0, Math.min(scratch.length, len - off));
    crypto.getRandomValues(part);
    t.mem.u8.set(part, buf + off);
  }
  return Errno.SUCCESS;
};
