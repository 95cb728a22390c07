// The SharedArrayBuffer layouts between the kernel and a process worker, in one place.
//
// Per process, a channel: 64 bytes at a cache-line boundary (channel_pool.ts), so that a call
// moves one line between the two threads' cores and back — each line that changes hands costs
// ~0.1–0.2 µs on the machines measured, about what the kernel's handler for a cheap call costs:
//   i32[STATE]    IDLE -> REQUEST (process) -> RESPONSE (kernel) -> IDLE (process); SERVING
//                 (kernel) while a call is served asynchronously
//   i32[NUMBER]   syscall number (UNSTABLE_BASE added for wasi_unstable calls)
//   i32[RESULT]   the errno the kernel answered
//   i32[WAITING]  1 while the process sleeps in Atomics.wait (the kernel notifies only then)
//   i32[ARG0..]   the parameters, in order, each in the slot argSlots gives it: a 32-bit one in
//                 one slot, a 64-bit one in two (little-endian halves, at an even slot so the
//                 same bytes read as one BigInt64 element)
//
// Kernel-wide, one doorbell shared by every process (a block of its own in the same pool):
//   i32[BELL_COUNT]    bumped by a request made while the kernel sleeps (and by the kernel
//                      itself to wake its loop); while the kernel is awake it polls the channels
//   i32[BELL_SLEEPING] 1 while the kernel sleeps (or is about to): processes ring only then
//   i32[BELL_SPIN]     how many polls a process spins before sleeping (0 when cores are busy)

import type { AbiImports } from '../platform.js';

export const STATE = 0;
export const NUMBER = 1;
export const RESULT = 2;
export const WAITING = 3;
export const ARG0 = 4;
/** The channel's size: its i32 slots, ARG0 of them header. */
export const CHANNEL_SLOTS = 16;
export const CHANNEL_BYTES = 4 * CHANNEL_SLOTS;
/** Room for the parameters: a call's 32-bit ones count one, its 64-bit ones two (plus alignment). */
export const ARG_SLOTS = CHANNEL_SLOTS - ARG0;

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

/** A channel's typed views over the same bytes. */
export interface ChannelViews {
  i32: Int32Array;
  /** 64-bit parameters: the one at i32 slot s (even) is element s / 2. */
  i64: BigInt64Array;
}

/** The views of the channel at byteOffset of sab (a multiple of 8). */
export function channelViews(sab: SharedArrayBuffer, byteOffset: number): ChannelViews {
  return { i32: new Int32Array(sab, byteOffset, CHANNEL_SLOTS), i64: new BigInt64Array(sab, byteOffset, CHANNEL_SLOTS / 2) };
}

/** The doorbell's view, at byteOffset of sab. */
export function doorbellView(sab: SharedArrayBuffer, byteOffset: number): Int32Array {
  return new Int32Array(sab, byteOffset, BELL_BYTES / 4);
}

/**
 * The i32 slot of each parameter of a call whose 64-bit parameters are `wide`: in order from
 * ARG0, a 64-bit one moved up to an even slot. Throws when they do not fit the channel (a table
 * with such a call cannot be registered).
 */
export function argSlots(wide: readonly boolean[]): number[] {
  const slots: number[] = [];
  let at = ARG0;
  for (const w of wide) {
    if (w && at % 2 !== 0) at++;
    slots.push(at);
    at += w ? 2 : 1;
  }
  if (at > CHANNEL_SLOTS) {
    throw new Error(`a call with ${wide.length} parameters (${wide.filter((w) => w).length} of them 64-bit) does not fit a channel's ${ARG_SLOTS} slots`);
  }
  return slots;
}

/** The message that starts a program in a (warm) process worker. */
export interface StartMessage {
  type: 'start';
  module: WebAssembly.Module;
  memory: WebAssembly.Memory | null;
  memoryImport: { module: string; name: string } | null;
  /** The process's channel: at channelOffset of channel (channel_pool.ts). */
  channel: SharedArrayBuffer;
  channelOffset: number;
  /** The kernel's doorbell: at doorbellOffset of doorbell. */
  doorbell: SharedArrayBuffer;
  doorbellOffset: number;
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
