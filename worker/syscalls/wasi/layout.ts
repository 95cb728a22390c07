// Struct layouts that differ between wasi_snapshot_preview1 and the older wasi_unstable:
// filestat (nlink is u32 at 20 in unstable, u64 at 24 in preview1), subscription (unstable
// carries an extra u64 in the clock union), and whence (unstable numbers CUR=0, END=1, SET=2).
// Everything else (fdstat, prestat, dirent, event, iovec) is the same in both.
import { Errno, Whence } from './abi.js';
import { fail } from '../../kernel/errors.js';
import type { ProcessMemory } from './memory.js';
import type { Stat } from '../../vfs/inode.js';

export interface Layout {
  readonly name: 'preview1' | 'unstable';
  writeFilestat(mem: ProcessMemory, ptr: number, st: Stat): void;
  /** Converts the module's whence value to preview1's. */
  whence(w: number): Whence;
  readonly subscriptionSize: number;
  /** Offsets inside a clock subscription: clock id, timeout, precision, flags. */
  readonly clock: { id: number; timeout: number; precision: number; flags: number };
}

export const PREVIEW1: Layout = {
  name: 'preview1',
  writeFilestat(mem, ptr, st) {
    mem.check(ptr, 64);
    mem.u8.fill(0, ptr, ptr + 64);
    mem.setU64(ptr, st.dev);
    mem.setU64(ptr + 8, st.ino);
    mem.setU8(ptr + 16, st.filetype);
    mem.setU64(ptr + 24, st.nlink);
    mem.setU64(ptr + 32, st.size);
    mem.setU64(ptr + 40, st.atim);
    mem.setU64(ptr + 48, st.mtim);
    mem.setU64(ptr + 56, st.ctim);
  },
  whence(w) {
    if (w > 2) fail(Errno.INVAL);
    return w as Whence;
  },
  subscriptionSize: 48,
  clock: { id: 16, timeout: 24, precision: 32, flags: 40 },
};

export const UNSTABLE: Layout = {
  name: 'unstable',
  writeFilestat(mem, ptr, st) {
    mem.check(ptr, 56);
    mem.u8.fill(0, ptr, ptr + 56);
    mem.setU64(ptr, st.dev);
    mem.setU64(ptr + 8, st.ino);
    mem.setU8(ptr + 16, st.filetype);
    mem.setU32(ptr + 20, Number(st.nlink > 0xffffffffn ? 0xffffffffn : st.nlink));
    mem.setU64(ptr + 24, st.size);
    mem.setU64(ptr + 32, st.atim);
    mem.setU64(ptr + 40, st.mtim);
    mem.setU64(ptr + 48, st.ctim);
  },
  whence(w) {
    switch (w) {
      case 0: return Whence.CUR;
      case 1: return Whence.END;
      case 2: return Whence.SET;
      default: fail(Errno.INVAL);
    }
  },
  subscriptionSize: 56,
  clock: { id: 24, timeout: 32, precision: 40, flags: 48 },
};

/** fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16. */
export function writeFdstat(mem: ProcessMemory, ptr: number, filetype: number, flags: number, base: bigint, inheriting: bigint): void {
  mem.check(ptr, 24);
  mem.u8.fill(0, ptr, ptr + 24);
  mem.setU8(ptr, filetype);
  mem.setU16(ptr + 2, flags);
  mem.setU64(ptr + 8, base);
  mem.setU64(ptr + 16, inheriting);
}
