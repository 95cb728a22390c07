// ProcessMemory: the kernel's bounds-checked window onto a process's linear memory. The memory
// is a shared WebAssembly.Memory the kernel created, so reads and writes happen in place; every
// guest pointer and length is checked here and a bad one is EFAULT, never an exception that
// escapes into the kernel. Views are refreshed when the program has grown its memory.
import { Errno, fail } from '../errors/errno.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export class ProcessMemory {
  private buf: ArrayBufferLike = new ArrayBuffer(0);
  u8 = new Uint8Array(0);
  dv = new DataView(new ArrayBuffer(0));

  constructor(readonly memory: WebAssembly.Memory | null) {
    this.refresh();
  }

  /** Picks up growth since the last call. Cheap when nothing changed. */
  refresh(): void {
    if (!this.memory) return;
    const b = this.memory.buffer;
    if (b === this.buf && b.byteLength === this.u8.byteLength) return;
    this.buf = b;
    this.u8 = new Uint8Array(b);
    this.dv = new DataView(b);
  }

  /** The memory's current size (refreshing the views). */
  get byteLength(): number {
    this.refresh();
    return this.u8.byteLength;
  }

  /**
   * EFAULT unless [ptr, ptr+len) lies inside memory. Memory only grows and shared buffers never
   * detach, so the cached views stay valid for what they cover; they are refreshed only when an
   * access falls beyond them (reading memory.buffer on every call costs more than the call).
   */
  check(ptr: number, len: number): void {
    if (ptr >= 0 && len >= 0 && ptr + len <= this.u8.byteLength) return;
    this.refresh();
    if (ptr < 0 || len < 0 || ptr + len > this.u8.byteLength) fail(Errno.FAULT, `address 0x${ptr.toString(16)}+${len} outside memory`);
  }

  u8At(ptr: number): number {
    this.check(ptr, 1);
    return this.u8[ptr]!;
  }
  u16(ptr: number): number {
    this.check(ptr, 2);
    return this.dv.getUint16(ptr, true);
  }
  u32(ptr: number): number {
    this.check(ptr, 4);
    return this.dv.getUint32(ptr, true);
  }
  u64(ptr: number): bigint {
    this.check(ptr, 8);
    return this.dv.getBigUint64(ptr, true);
  }
  setU8(ptr: number, v: number): void {
    this.check(ptr, 1);
    this.u8[ptr] = v;
  }
  setU16(ptr: number, v: number): void {
    this.check(ptr, 2);
    this.dv.setUint16(ptr, v, true);
  }
  setU32(ptr: number, v: number): void {
    this.check(ptr, 4);
    this.dv.setUint32(ptr, v, true);
  }
  setU64(ptr: number, v: bigint): void {
    this.check(ptr, 8);
    this.dv.setBigUint64(ptr, BigInt.asUintN(64, v), true);
  }
  /** Stores a non-negative number below 2^53 as a u64 (no BigInt on the way). */
  setU64n(ptr: number, v: number): void {
    this.check(ptr, 8);
    const hi = Math.floor(v / 4294967296);
    this.dv.setUint32(ptr, v >>> 0, true);
    this.dv.setUint32(ptr + 4, hi >>> 0, true);
  }

  /** A view of [ptr, ptr+len) (in place; valid until the process runs again). */
  bytes(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    return this.u8.subarray(ptr, ptr + len);
  }

  /** Decodes a UTF-8 string argument (EILSEQ if it is not valid UTF-8). */
  string(ptr: number, len: number): string {
    const view = this.bytes(ptr, len);
    try {
      // TextDecoder refuses views on a SharedArrayBuffer: decode a private copy.
      return decoder.decode(view.slice());
    } catch {
      fail(Errno.ILSEQ, 'path is not valid UTF-8');
    }
  }

  /** Writes s (UTF-8) into [ptr, ptr+cap), returning bytes written (truncating like readlink). */
  writeString(ptr: number, cap: number, s: string): number {
    const bytes = encoder.encode(s);
    const n = Math.min(bytes.length, cap);
    this.check(ptr, n);
    this.u8.set(bytes.subarray(0, n), ptr);
    return n;
  }

  /** Decodes an array of iovec/ciovec {buf: u32, len: u32} into in-place views. */
  iovecs(ptr: number, count: number): Uint8Array[] {
    if (count > 1024) fail(Errno.INVAL, 'more than IOV_MAX (1024) iovecs');
    this.check(ptr, count * 8);
    const out: Uint8Array[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const base = this.dv.getUint32(ptr + 8 * k, true);
      const len = this.dv.getUint32(ptr + 8 * k + 4, true);
      out[k] = this.bytes(base, len);
    }
    return out;
  }
}
