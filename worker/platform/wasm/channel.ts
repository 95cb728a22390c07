// The SharedArrayBuffer layouts between the kernel and a process worker, in one place.
//
// Per process, a channel of CHANNEL_BYTES:
//   i32[STATE]    IDLE -> REQUEST (process) -> SERVING (kernel) -> RESPONSE (kernel) -> IDLE (process)
//   i32[NUMBER]   syscall number (UNSTABLE_BASE added for wasi_unstable calls)
//   i32[RESULT]   the errno the kernel answered
//   i32[WAITING]  1 while the process sleeps in Atomics.wait (the kernel notifies only then)
//   i32[ARG0+k]   parameter k when it is 32-bit
//   i64[k] at I64_OFFSET: parameter k when it is 64-bit
//
// Kernel-wide, one doorbell shared by every process:
//   i32[BELL_COUNT]    bumped by every request
//   i32[BELL_SLEEPING] 1 while the kernel sleeps in Atomics.waitAsync (processes notify only then)
//   i32[BELL_SPIN]     how many polls a process spins before sleeping (0 when cores are busy)

/** Most parameters a call may have (a syscall table's longest call must fit: WASI's path_open has 9). */
export const MAX_PARAMS = 12;

import type { AbiImports } from '../platform.js';

export const STATE = 0;
export const NUMBER = 1;
export const RESULT = 2;
export const WAITING = 3;
export const ARG0 = 4;
export const I64_OFFSET = 64;
export const CHANNEL_BYTES = I64_OFFSET + 8 * MAX_PARAMS;

/** RESULT value telling the process its program has exited: unwind and wait for the next one. */
export const EXITED = -1;

export const IDLE = 0;
export const REQUEST = 1;
export const SERVING = 2;
export const RESPONSE = 3;

export const BELL_COUNT = 0;
export const BELL_SLEEPING = 1;
export const BELL_SPIN = 2;
export const BELL_BYTES = 16;

/** A channel's typed views. */
export interface ChannelViews {
  i32: Int32Array;
  i64: BigInt64Array;
  /** The 64-bit parameters as pairs of 32-bit halves (low first: little-endian). */
  i64Halves: Int32Array;
}

export function channelViews(sab: SharedArrayBuffer): ChannelViews {
  return {
    i32: new Int32Array(sab, 0, ARG0 + MAX_PARAMS),
    i64: new BigInt64Array(sab, I64_OFFSET, MAX_PARAMS),
    i64Halves: new Int32Array(sab, I64_OFFSET, 2 * MAX_PARAMS),
  };
}

export function newChannel(): SharedArrayBuffer {
  return new SharedArrayBuffer(CHANNEL_BYTES);
}

export function newDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(BELL_BYTES);
}

/** The message that starts a program in a (warm) process worker. */
export interface StartMessage {
  type: 'start';
  module: WebAssembly.Module;
  memory: WebAssembly.Memory | null;
  memoryImport: { module: string; name: string } | null;
  channel: SharedArrayBuffer;
  doorbell: SharedArrayBuffer;
  args: string[];
  env: string[];
  /** Serve the vDSO calls in the worker (false under --strace so every call is seen). */
  vdso: boolean;
  /**
   * The ABI modules to stub, sent the first time a worker is given this set (null afterwards:
   * the worker keeps them, and the import object it built from them, under abiId).
   */
  abis: readonly AbiImports[] | null;
  abiId: number;
  /** The call a return from _start traps with. */
  exitCall: number;
  /** The direct-fd tables (direct_fds.ts), or null when the kernel hands out none. */
  directFds: SharedArrayBuffer | null;
  /**
   * The kernel's performance.timeOrigin. Each browser worker has its own time origin; the
   * process reads CLOCK_MONOTONIC on the kernel's timeline so the two agree (poll deadlines).
   */
  clockOrigin: number;
}

/** What a process worker reports when its program ends without proc_exit. */
export type ProcessMessage =
  | { type: 'trap'; message: string }
  | { type: 'instantiate-error'; message: string };
