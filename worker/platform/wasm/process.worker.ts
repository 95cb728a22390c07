// The process worker: one per running program (Web Worker in the browser, worker_threads under
// Node). It instantiates the program against the kernel-owned shared memory, with WASI imports
// that are stubs: each stub writes its call into the SharedArrayBuffer channel, rings the
// kernel's doorbell and blocks (spin briefly, then Atomics.wait) until the kernel answers. The
// few calls that need no kernel state (args, environ, clocks, random, sched_yield) are answered
// here, like Linux's vDSO. The kernel kills a process by terminating this worker.
import {
  ARG0, EXITED, BELL_COUNT, BELL_SLEEPING, BELL_SPIN, channelViews, IDLE, NUMBER, REQUEST, RESPONSE, RESULT,
  STATE, WAITING, type ProcessMessage, type StartMessage,
} from './channel.js';
import type { VdsoOp } from '../platform.js';
import { copyIn, OutboxWriter } from './outbox.js';
import { directReadFd } from './direct_reads.js';

/** node:fs's readSync under Node (direct reads of host files); null in a browser. */
type ReadSync = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => number;
async function hostReadSync(): Promise<ReadSync | null> {
  const g = globalThis as unknown as { process?: { versions?: { node?: string } } };
  if (!g.process?.versions?.node) return null;
  const fs = (await import(/* @vite-ignore */ 'node:' + 'fs')) as typeof import('node:fs');
  return fs.readSync as unknown as ReadSync;
}

/** Bounds of a process's adaptive spin (polls of its channel before it sleeps). */
const MAX_SPIN = 1 << 16;
const MIN_SPIN = 2048;

interface Port {
  post(msg: ProcessMessage): void;
  onMessage(cb: (msg: StartMessage) => void): void;
}

async function parentPort(): Promise<Port> {
  const g = globalThis as unknown as { process?: { versions?: { node?: string } } };
  if (g.process?.versions?.node) {
    const wt = (await import(/* @vite-ignore */ 'node:' + 'worker_threads')) as typeof import('node:worker_threads');
    const p = wt.parentPort!;
    return { post: (m) => p.postMessage(m), onMessage: (cb) => p.on('message', cb) };
  }
  const self = globalThis as unknown as DedicatedWorkerGlobalScope;
  return { post: (m) => self.postMessage(m), onMessage: (cb) => (self.onmessage = (e) => cb(e.data)) };
}

function run(msg: StartMessage, port: Port): void {
  const { i32, i64 } = channelViews(msg.channel);
  const bell = new Int32Array(msg.doorbell);
  const memory = msg.memory;
  let dv = new DataView(memory ? memory.buffer : new ArrayBuffer(0));
  let u8 = new Uint8Array(dv.buffer);

  /** Makes sure [ptr, ptr+len) is inside memory (refreshing views after growth). */
  const inBounds = (ptr: number, len: number): boolean => {
    const end = (ptr >>> 0) + (len >>> 0);
    if (end <= dv.byteLength) return true;
    if (!memory) return false;
    dv = new DataView(memory.buffer);
    u8 = new Uint8Array(dv.buffer);
    return end <= dv.byteLength;
  };

  let spinBudget = MAX_SPIN;
  /** The trap into the kernel: post the call, ring, spin, sleep, return the errno. */
  const trap = (num: number): number => {
    i32[NUMBER] = num;
    Atomics.store(i32, STATE, REQUEST);
    Atomics.add(bell, BELL_COUNT, 1);
    if (Atomics.load(bell, BELL_SLEEPING) !== 0) Atomics.notify(bell, BELL_COUNT);
    // Spin (adaptively: a budget that doubles when spinning caught the answer and halves when
    // it did not), then sleep.
    const spins = Math.min(Atomics.load(bell, BELL_SPIN), spinBudget);
    if (spins > 0) {
      let k = 0;
      while (k < spins && Atomics.load(i32, STATE) !== RESPONSE) k++;
      spinBudget = k < spins ? Math.min(spinBudget * 2, MAX_SPIN) : Math.max(spinBudget >> 1, MIN_SPIN);
    }
    for (;;) {
      const s = Atomics.load(i32, STATE);
      if (s === RESPONSE) break;
      Atomics.store(i32, WAITING, 1);
      Atomics.wait(i32, STATE, s, 1000);
      Atomics.store(i32, WAITING, 0);
    }
    const r = i32[RESULT]!;
    Atomics.store(i32, STATE, IDLE);
    if (r === EXITED) throw new ProgramExited();
    return r;
  };

  const stub = (num: number, wide: readonly boolean[]) =>
    function (...args: (number | bigint)[]): number {
      for (let k = 0; k < args.length; k++) {
        if (wide[k]) i64[k] = args[k] as bigint;
        else i32[ARG0 + k] = args[k] as number;
      }
      return trap(num);
    };

  // ---- the vDSO ----
  // The errnos it answers with are the ABI's (every table the process has agrees on them).
  const { fault: EFAULT, inval: EINVAL } = msg.abis[0]?.vdsoErrno ?? { fault: -1, inval: -1 };
  const enc = new TextEncoder();
  const encodeList = (list: string[]) => list.map((s) => enc.encode(s + '\0'));
  const argBytes = encodeList(msg.args);
  const envBytes = encodeList(msg.env);
  const sizes = (list: Uint8Array[], countPtr: number, sizePtr: number): number => {
    if (!inBounds(countPtr, 4) || !inBounds(sizePtr, 4)) return EFAULT;
    dv.setUint32(countPtr, list.length, true);
    dv.setUint32(sizePtr, list.reduce((n, b) => n + b.length, 0), true);
    return 0;
  };
  const fill = (list: Uint8Array[], ptrs: number, buf: number): number => {
    const total = list.reduce((n, b) => n + b.length, 0);
    if (!inBounds(ptrs, list.length * 4) || !inBounds(buf, total)) return EFAULT;
    let at = buf >>> 0;
    list.forEach((b, k) => {
      dv.setUint32(ptrs + 4 * k, at, true);
      u8.set(b, at);
      at += b.length;
    });
    return 0;
  };
  const origin = performance.timeOrigin;
  // CLOCK_MONOTONIC on the kernel's timeline (its performance.now()), whatever this worker's origin.
  const monoOffset = origin - msg.clockOrigin;
  const writeNs = (ptr: number, ns: number): number => {
    if (!inBounds(ptr, 8)) return EFAULT;
    const hi = Math.floor(ns / 4294967296);
    dv.setUint32(ptr, ns - hi * 4294967296, true);
    dv.setUint32(ptr + 4, hi, true);
    return 0;
  };
  // Under Node, process.hrtime is a cheaper nanosecond clock than performance.now(): line it up
  // with the kernel's timeline once and use it for both clocks.
  const hrtime = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime?.bigint;
  const monoBase = hrtime ? hrtime() - BigInt(Math.round((monoOffset + performance.now()) * 1e6)) : 0n;
  const realBase = monoBase - BigInt(Math.round(msg.clockOrigin * 1e6));
  const clockNow = hrtime
    ? (ptr: number, base: bigint): number => {
        if (!inBounds(ptr, 8)) return EFAULT;
        dv.setBigUint64(ptr, hrtime() - base, true);
        return 0;
      }
    : null;
  // random_get hands out bytes from a pool refilled 64 KiB at a time (each byte is handed out
  // once): crypto.getRandomValues costs about a microsecond a call, whatever the size.
  const pool = new Uint8Array(65536);
  let poolPos = pool.length;
  const vdso: Record<VdsoOp, (...a: never[]) => number> = {
    args_sizes: (c: number, s: number) => sizes(argBytes, c, s),
    args: (p: number, b: number) => fill(argBytes, p, b),
    environ_sizes: (c: number, s: number) => sizes(envBytes, c, s),
    environ: (p: number, b: number) => fill(envBytes, p, b),
    clock_res: (id: number, ptr: number) => (id >>> 0 > 3 ? EINVAL : writeNs(ptr, 1000)),
    clock_time: (id: number, _precision: bigint, ptr: number) => {
      switch (id) {
        case 0: return clockNow ? clockNow(ptr, realBase) : writeNs(ptr, Math.round((origin + performance.now()) * 1e6));
        case 1: case 2: case 3: return clockNow ? clockNow(ptr, monoBase) : writeNs(ptr, Math.round((monoOffset + performance.now()) * 1e6));
        default: return EINVAL;
      }
    },
    random: (buf: number, len: number) => {
      if (!inBounds(buf, len)) return EFAULT;
      const total = len >>> 0;
      for (let off = 0; off < total; ) {
        if (poolPos === pool.length) {
          crypto.getRandomValues(pool);
          poolPos = 0;
        }
        const n = Math.min(total - off, pool.length - poolPos);
        u8.set(pool.subarray(poolPos, poolPos + n), (buf >>> 0) + off);
        poolPos += n;
        off += n;
      }
      return 0;
    },
    yield: () => 0,
  };

  // ---- write-behind ----
  // A gather write to a write-behind fd is copied into the outbox and answered here; anything
  // the outbox cannot take (a bad pointer, too big, ring full, fd no longer write-behind) traps,
  // and the kernel drains the outbox before serving it.
  const outbox = msg.outbox ? new OutboxWriter(msg.outbox) : null;
  const queuedWrite = (trapWrite: (...a: number[]) => number) =>
    function (fd: number, iovs: number, count: number, writtenPtr: number): number {
      iovs >>>= 0;
      writtenPtr >>>= 0;
      if (!outbox!.takes(fd) || count >>> 0 > 1024 || !inBounds(iovs, count * 8) || !inBounds(writtenPtr, 4)) {
        return trapWrite(fd, iovs, count, writtenPtr);
      }
      let total = 0;
      for (let k = 0; k < count; k++) {
        const ptr = dv.getUint32(iovs + 8 * k, true);
        const len = dv.getUint32(iovs + 8 * k + 4, true);
        if (!inBounds(ptr, len)) return trapWrite(fd, iovs, count, writtenPtr);
        total += len;
      }
      let at = total > 0 ? outbox!.reserve(total) : -1;
      if (at < 0) return trapWrite(fd, iovs, count, writtenPtr);
      const ring = outbox!.v.data;
      for (let k = 0; k < count; k++) {
        const ptr = dv.getUint32(iovs + 8 * k, true);
        const len = dv.getUint32(iovs + 8 * k + 4, true);
        if (len > 0) at = copyIn(ring, at, u8.subarray(ptr, ptr + len));
      }
      // Ring the doorbell (a sleeping kernel is woken) so the bytes leave soon, unless the kernel
      // is still busy with the writes before (it looks again after each drain).
      if (outbox!.commit(fd, total)) {
        Atomics.add(bell, BELL_COUNT, 1);
        if (Atomics.load(bell, BELL_SLEEPING) !== 0) Atomics.notify(bell, BELL_COUNT);
      }
      dv.setUint32(writtenPtr, total, true);
      return 0;
    };

  // ---- direct reads ----
  // A positioned read of a direct-read fd is made here on the host fd (direct_reads.ts);
  // anything unusual (bad pointers, an offset past 2^53, a host error) traps instead, and the
  // kernel answers it (pread has no side effect, so a partial attempt changes nothing).
  const directTable = msg.directReads && readSync ? new Int32Array(msg.directReads) : null;
  const directRead = (trapRead: (...a: (number | bigint)[]) => number) =>
    function (fd: number, iovs: number, count: number, offset: bigint, readPtr: number): number {
      const hostFd = directReadFd(directTable!, fd);
      if (hostFd < 0) return trapRead(fd, iovs, count, offset, readPtr);
      const at = iovs >>> 0;
      const out = readPtr >>> 0;
      if (count >>> 0 > 1024 || offset < 0n || offset > 9007199254740991n || !inBounds(at, count * 8) || !inBounds(out, 4)) {
        return trapRead(fd, iovs, count, offset, readPtr);
      }
      for (let k = 0; k < count; k++) {
        if (!inBounds(dv.getUint32(at + 8 * k, true), dv.getUint32(at + 8 * k + 4, true))) return trapRead(fd, iovs, count, offset, readPtr);
      }
      let pos = Number(offset);
      let total = 0;
      try {
        for (let k = 0; k < count; k++) {
          const len = dv.getUint32(at + 8 * k + 4, true);
          if (len === 0) continue;
          const n = readSync!(hostFd, u8, dv.getUint32(at + 8 * k, true), len, pos);
          total += n;
          pos += n;
          if (n < len) break;
        }
      } catch {
        return trapRead(fd, iovs, count, offset, readPtr);
      }
      dv.setUint32(out, total, true);
      return 0;
    };

  const imports: WebAssembly.Imports = {};
  for (const abi of msg.abis) {
    const mod: WebAssembly.ModuleImports = {};
    for (const f of abi.functions) {
      if (msg.vdso && f.vdso) mod[f.name] = vdso[f.vdso];
      else if (outbox && f.gatherWrite) mod[f.name] = queuedWrite(stub(f.num, f.wide) as (...a: number[]) => number);
      else if (directTable && f.positionedRead) mod[f.name] = directRead(stub(f.num, f.wide));
      else mod[f.name] = stub(f.num, f.wide);
    }
    imports[abi.module] = mod;
  }
  if (memory && msg.memoryImport) {
    const m = (imports[msg.memoryImport.module] ??= {});
    m[msg.memoryImport.name] = memory;
  }

  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(msg.module, imports);
  } catch (e) {
    port.post({ type: 'instantiate-error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const start = instance.exports['_start'] as (() => void) | undefined;
  try {
    start!();
    // Returning from _start is exit(0): tell the kernel through the channel like proc_exit.
    i32[ARG0] = 0;
    trap(msg.exitCall);
  } catch (e) {
    if (e instanceof ProgramExited) return; // the kernel ended the program; this worker is free again
    port.post({ type: 'trap', message: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) });
  }
}

/** Thrown out of a stub when the kernel says the program has exited, to unwind the wasm stack. */
class ProgramExited extends Error {}

const port = await parentPort();
const readSync = await hostReadSync();
port.onMessage((msg) => {
  if (msg.type === 'start') run(msg, port);
});
