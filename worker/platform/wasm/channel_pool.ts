// ChannelPool: where the kernel's doorbell and the process channels (channel.ts) live. Each is a
// block of CHANNEL_STRIDE bytes at a cache-line boundary of one page-aligned shared buffer (a
// shared WebAssembly.Memory's: a plain SharedArrayBuffer is only 8- or 16-byte aligned), so a
// channel's 64 bytes are always one cache line. Measured under Node on the 2-core machine: a
// channel that happened to straddle two lines made every crossing ~1.0 µs instead of ~0.6 µs,
// run to run as the allocator placed it. Block 0 of the first buffer is the doorbell.
//
// A block belongs to a process worker for the worker's whole life (each program it runs uses it)
// and is never handed out again: a worker that is terminated may still touch its block for a
// moment after terminate() (it finishes the instruction it is in), and a worker whose program
// exited writes its channel once more after the kernel's last answer.
import { CHANNEL_BYTES } from './channel.js';

/** A block: two cache lines, so the adjacent-line prefetcher never couples two channels. */
export const CHANNEL_STRIDE = 128;
/** Each buffer: 1 MiB, 8,192 blocks (a new one is made when they run out). */
const POOL_PAGES = 16;
const PAGE = 65536;

export interface ChannelBlock {
  sab: SharedArrayBuffer;
  /** Byte offset of the block in sab (a multiple of CHANNEL_STRIDE). */
  offset: number;
}

function pageAlignedBuffer(): SharedArrayBuffer {
  return new WebAssembly.Memory({ initial: POOL_PAGES, maximum: POOL_PAGES, shared: true }).buffer as unknown as SharedArrayBuffer;
}

export class ChannelPool {
  private sab = pageAlignedBuffer();
  private next = 1;
  /** The doorbell: block 0 of the first buffer. */
  readonly doorbell: ChannelBlock = { sab: this.sab, offset: 0 };

  /** A fresh block, never handed out before. */
  take(): ChannelBlock {
    if ((this.next + 1) * CHANNEL_STRIDE > POOL_PAGES * PAGE) {
      this.sab = pageAlignedBuffer();
      this.next = 0;
    }
    return { sab: this.sab, offset: this.next++ * CHANNEL_STRIDE };
  }
}

if (CHANNEL_BYTES > CHANNEL_STRIDE) throw new Error('a channel does not fit its block');
