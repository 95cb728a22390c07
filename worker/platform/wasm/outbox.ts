// The outbox: a process's write-behind queue, one SharedArrayBuffer per process. A gather write
// to a write-behind fd (the command's host stdout/stderr) is copied here by the process worker,
// which goes on at once instead of trapping; the kernel takes the writes out in order
// (drainOutbox) before it serves that process's next call, whenever the doorbell rings, and when
// the process ends. A write the outbox cannot take (too big, full, fd not write-behind) traps as
// usual, and the kernel drains first, so the order of everything the program did is kept.
//
// Two rings: the bytes, back to back (so a run of writes to one fd leaves in one host write,
// two where the ring wraps), and an index of { u32 fd, u32 length } per write. Counters are u32
// byte/entry counts that wrap; the process writes the heads, the kernel the tails (on their own
// cache lines), and the kernel the FDS bit set (bit k: fd k is write-behind).

const I_DATA_HEAD = 0;
const I_INDEX_HEAD = 1;
const I_FDS = 2;
const I_DATA_TAIL = 16;
const I_INDEX_TAIL = 17;
const HEADER_BYTES = 128;
/** Bytes the data ring holds (a power of two). */
export const OUTBOX_DATA_BYTES = 1024 * 1024;
/** Writes the index holds (a power of two). */
const INDEX_ENTRIES = 4096;
/** Largest write the outbox takes; a larger one traps and is written from the process's memory. */
export const MAX_QUEUED_WRITE = 64 * 1024;
const DATA_MASK = OUTBOX_DATA_BYTES - 1;
const INDEX_MASK = INDEX_ENTRIES - 1;

export function newOutbox(fds: readonly number[]): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(HEADER_BYTES + INDEX_ENTRIES * 8 + OUTBOX_DATA_BYTES);
  let mask = 0;
  for (const fd of fds) {
    if (fd < 0 || fd > 31) throw new Error(`write-behind fd ${fd} out of range 0..31`);
    mask |= 1 << fd;
  }
  new Int32Array(sab, 0, HEADER_BYTES / 4)[I_FDS] = mask;
  return sab;
}

export interface OutboxViews {
  i32: Int32Array;
  index: Uint32Array;
  data: Uint8Array;
}

export function outboxViews(sab: SharedArrayBuffer): OutboxViews {
  return {
    i32: new Int32Array(sab, 0, HEADER_BYTES / 4),
    index: new Uint32Array(sab, HEADER_BYTES, INDEX_ENTRIES * 2),
    data: new Uint8Array(sab, HEADER_BYTES + INDEX_ENTRIES * 8, OUTBOX_DATA_BYTES),
  };
}

/** The process side of an outbox (one thread appends, so it keeps the heads itself). */
export class OutboxWriter {
  readonly v: OutboxViews;
  private dataHead = 0;
  private indexHead = 0;
  /** Free bytes and index entries as last seen (the kernel only ever adds to them). */
  private freeData = OUTBOX_DATA_BYTES;
  private freeIndex = INDEX_ENTRIES;
  constructor(sab: SharedArrayBuffer) {
    this.v = outboxViews(sab);
  }

  /** Is fd write-behind now? */
  takes(fd: number): boolean {
    return fd >>> 0 < 32 && (Atomics.load(this.v.i32, I_FDS) & (1 << fd)) !== 0;
  }

  /**
   * Where in v.data the bytes of a write of `len` bytes go (copy them with copyIn, which wraps
   * at the ring's end), or -1 if the outbox cannot take it now (the caller traps instead). The
   * write is queued by commit(fd, len) once its bytes are in.
   */
  reserve(len: number): number {
    if (len > MAX_QUEUED_WRITE) return -1;
    if (len > this.freeData || this.freeIndex === 0) {
      const i32 = this.v.i32;
      this.freeData = OUTBOX_DATA_BYTES - ((this.dataHead - (Atomics.load(i32, I_DATA_TAIL) >>> 0)) >>> 0);
      this.freeIndex = INDEX_ENTRIES - ((this.indexHead - (Atomics.load(i32, I_INDEX_TAIL) >>> 0)) >>> 0);
      if (len > this.freeData || this.freeIndex === 0) return -1;
    }
    return this.dataHead & DATA_MASK;
  }

  /**
   * Queues the write whose bytes were copied to where reserve(len) said. Answers whether the
   * kernel had taken every earlier write by then: only then must the caller ring the doorbell.
   * Otherwise the kernel is still at the earlier ones, and it looks for more after every drain
   * (WasmPlatform's loop), so it finds this one without a ring. (Both sides store, then load
   * the other's counter: one of them sees the other's store.)
   */
  commit(fd: number, len: number): boolean {
    const before = this.indexHead;
    const e = (before & INDEX_MASK) * 2;
    this.v.index[e] = fd;
    this.v.index[e + 1] = len;
    this.dataHead = (this.dataHead + len) >>> 0;
    this.indexHead = (before + 1) >>> 0;
    this.freeData -= len;
    this.freeIndex--;
    Atomics.store(this.v.i32, I_DATA_HEAD, this.dataHead | 0);
    Atomics.store(this.v.i32, I_INDEX_HEAD, this.indexHead | 0);
    return Atomics.load(this.v.i32, I_INDEX_TAIL) >>> 0 === before;
  }
}

/** Copies src into the data ring at `at`, wrapping at its end; returns the position after it. */
export function copyIn(ring: Uint8Array, at: number, src: Uint8Array): number {
  const first = Math.min(src.length, OUTBOX_DATA_BYTES - at);
  ring.set(first === src.length ? src : src.subarray(0, first), at);
  if (first < src.length) ring.set(src.subarray(first), 0);
  return (at + src.length) & DATA_MASK;
}

/** Kernel side: stops queueing for fd (the process traps for its next write to it). */
export function endWriteBehind(v: OutboxViews, fd: number): void {
  if (fd >>> 0 < 32) Atomics.and(v.i32, I_FDS, ~(1 << fd));
}

/** Kernel side: are there writes to take? */
export function outboxPending(v: OutboxViews): boolean {
  return Atomics.load(v.i32, I_INDEX_HEAD) !== Atomics.load(v.i32, I_INDEX_TAIL);
}

/**
 * Kernel side: hands every queued write to deliver, in order, a run of writes to the same fd as
 * one gather write (one buffer, two where the ring wraps), then frees their space. deliver
 * answers false when the write failed: the fd stops being write-behind (its later writes trap
 * and see the error themselves).
 */
export function drainOutbox(v: OutboxViews, deliver: (fd: number, iovs: Uint8Array[]) => boolean): void {
  const i32 = v.i32;
  const indexHead = Atomics.load(i32, I_INDEX_HEAD) >>> 0;
  let indexTail = Atomics.load(i32, I_INDEX_TAIL) >>> 0;
  let dataTail = Atomics.load(i32, I_DATA_TAIL) >>> 0;
  while (indexTail !== indexHead) {
    const fd = v.index[(indexTail & INDEX_MASK) * 2]!;
    let bytes = 0;
    do {
      bytes += v.index[(indexTail & INDEX_MASK) * 2 + 1]!;
      indexTail = (indexTail + 1) >>> 0;
    } while (indexTail !== indexHead && v.index[(indexTail & INDEX_MASK) * 2] === fd);
    const at = dataTail & DATA_MASK;
    const first = Math.min(bytes, OUTBOX_DATA_BYTES - at);
    const iovs = [v.data.subarray(at, at + first)];
    if (first < bytes) iovs.push(v.data.subarray(0, bytes - first));
    if (bytes > 0 && !deliver(fd, iovs)) endWriteBehind(v, fd);
    dataTail = (dataTail + bytes) >>> 0;
  }
  Atomics.store(i32, I_DATA_TAIL, dataTail | 0);
  Atomics.store(i32, I_INDEX_TAIL, indexTail | 0);
}
