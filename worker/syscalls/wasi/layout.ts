// Struct layouts that differ between wasi_snapshot_preview1 and the older wasi_unstable:
// filestat (nlink is u32 at 20 in unstable, u64 at 24 in preview1), subscription (unstable
// carries an extra u64 in the clock union), and whence (unstable numbers CUR=0, END=1, SET=2).
// Everything else (fdstat, prestat, dirent, event, iovec) is the same in both.
import { wasiFiletype } from './abi.js';
import { Errno, fail } from '../../errors/errno.js';
import { Whence } from '../../vfs/file_type.js';
import type { ProcessMemory } from '../../kernel/memory.js';
import type { Stat } from '../../vfs/inode.js';

export interface Layout {
  readonly name: 'preview1' | 'unstable';
  writeFilestat(mem: ProcessMemory, ptr: number, st: Stat): void;
  /** Converts the module's whence value to the kernel's. */
  whence(w: number): Whence;
  readonly subscriptionSize: number;
  /** Offsets inside a clock subscription: clock id, timeout, precision, flags. */
  readonly clock: { id: number; timeout: number; precision: number; flags: number };
}

/**
 * A filestat writer: dev u64 @0, ino u64 @8, filetype u8 @16, then nlink (u32 @20 in unstable,
 * u64 @24 in preview1), and size, atim, mtim, ctim as u64s right after it.
 */
function filestatWriter(nlink32: boolean): Layout['writeFilestat'] {
  const size = nlink32 ? 56 : 64;
  const rest = nlink32 ? 24 : 32;
  return (mem, ptr, st) => {
    mem.check(ptr, size);
    mem.u8.fill(0, ptr, ptr + size);
    mem.setU64(ptr, st.dev);
    mem.setU64(ptr + 8, st.ino);
    mem.setU8(ptr + 16, wasiFiletype(st.filetype));
    if (nlink32) mem.setU32(ptr + 20, Number(st.nlink > 0xffffffffn ? 0xffffffffn : st.nlink));
    else mem.setU64(ptr + 24, st.nlink);
    mem.setU64(ptr + rest, st.size);
    mem.setU64(ptr + rest + 8, st.atim);
    mem.setU64(ptr + rest + 16, st.mtim);
    mem.setU64(ptr + rest + 24, st.ctim);
  };
}

export const PREVIEW1: Layout = {
  name: 'preview1',
  writeFilestat: filestatWriter(false),
  whence(w) {
    switch (w) {
      case 0: return Whence.SET;
      case 1: return Whence.CUR;
      case 2: return Whence.END;
      default: fail(Errno.INVAL);
    }
  },
  subscriptionSize: 48,
  clock: { id: 16, timeout: 24, precision: 32, flags: 40 },
};

export const UNSTABLE: Layout = {
  name: 'unstable',
  writeFilestat: filestatWriter(true),
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
export function writeFdstat(mem: ProcessMemory, ptr: number, filetype: number, flags: number, base: number, inheriting: number): void {
  mem.check(ptr, 24);
  mem.u8.fill(0, ptr, ptr + 24);
  mem.setU8(ptr, filetype);
  mem.setU16(ptr + 2, flags);
  mem.setU64n(ptr + 8, base);
  mem.setU64n(ptr + 16, inheriting);
}
