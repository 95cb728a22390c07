// strace: one line per system call with decoded arguments and the result, like gVisor's
// `--strace`: `[pid] path_open(fd=3, dirflags=1, path="a.txt", ...) = 0 SUCCESS (12µs)`.
import { errnoName } from '../../errors/errno.js';
import type { Signature } from './signatures.js';
import type { SyscallArgs } from '../../platform/platform.js';
import type { Task } from '../../kernel/task.js';

const decoder = new TextDecoder('utf-8');

function quote(t: Task, ptr: number, len: number): string {
  if (ptr + len > t.mem.byteLength) return `0x${ptr.toString(16)} (bad pointer)`;
  const shown = Math.min(len, 96);
  const text = decoder.decode(t.mem.u8.slice(ptr, ptr + shown));
  return JSON.stringify(text) + (len > shown ? '...' : '');
}

export function formatCall(t: Task, sig: Signature, a: SyscallArgs, layoutName: string): string {
  const parts: string[] = [];
  const ps = sig.params;
  for (let k = 0; k < ps.length; k++) {
    const [name, kind] = ps[k]!;
    if (kind === 'i64') {
      parts.push(`${name}=${a.i64(k)}`);
    } else if (kind === 'ptr' && /path$/.test(name) && ps[k + 1]?.[1] === 'len') {
      parts.push(`${name}=${quote(t, a.u32(k), a.u32(k + 1))}`);
    } else if (kind === 'ptr') {
      parts.push(`${name}=0x${a.u32(k).toString(16)}`);
    } else {
      parts.push(`${name}=${a.u32(k)}`);
    }
  }
  const mod = layoutName === 'unstable' ? 'wasi_unstable.' : '';
  return `[${t.pid}] ${mod}${sig.name}(${parts.join(', ')})`;
}

/** The result as the program saw it (its ABI's number) with the kernel's name for it. */
export function formatResult(abiErrno: number, errno: number, micros: number): string {
  return ` = ${abiErrno} ${errnoName(errno)} (${micros.toFixed(0)}µs)`;
}
