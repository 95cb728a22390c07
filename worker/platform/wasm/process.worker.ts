// The process worker: one per running program (Web Worker in the browser, worker_threads under
// Node). It instantiates the program against the kernel-owned shared memory, with WASI imports
// that are stubs: each stub writes its call into the SharedArrayBuffer channel, rings the
// kernel's doorbell and blocks (spin briefly, then Atomics.wait) until the kernel answers. The
// few calls that need no kernel state (args, environ, clocks, random, sched_yield) are answered
// here, like Linux's vDSO; so are reads and writes of the host fds the kernel hands over (direct
// fds: a host file's preads, the command's stdout/stderr). The kernel kills a process by
// terminating this worker.
import {
  ARG0, EXITED, BELL_COUNT, BELL_SLEEPING, BELL_SPIN, argSlots, channelViews, doorbellView, IDLE, NUMBER, REQUEST, RESPONSE, RESULT,
  STATE, WAITING, type ProcessMessage, type StartMessage,
} from './channel.js';
import type { AbiImports, VdsoOp } from '../platform.js';
import { directFd } from './direct_fds.js';

/** node:fs's synchronous read and write under Node (direct fds); null in a browser. */
interface HostFs {
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}
async function hostFs(): Promise<HostFs | null> {
  const g = globalThis as unknown as { process?: { versions?: { node?: string } } };
  if (!g.process?.versions?.node) return null;
  const fs = (await import(/* @vite-ignore */ 'node:' + 'fs')) as typeof import('node:fs');
  return { readSync: fs.readSync as HostFs['readSync'], writeSync: fs.writeSync as HostFs['writeSync'] };
}

/** Slept on for a millisecond when a non-blocking host fd is full. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * random_get hands out bytes from a pool refilled 64 KiB at a time (each byte is handed out once,
 * across all the programs this worker runs): crypto.getRandomValues costs about a microsecond a
 * call, whatever the size. Allocated on the first random_get, not at every start.
 */
const random = {
  get pool(): Uint8Array {
    return (this.bytes ??= new Uint8Array(65536));
  },
  bytes: null as Uint8Array | null,
  pos: 65536,
};

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

// ---- the running program ----
// A worker runs one program at a time, so the state of the current one lives here and the
// import object (~90 stubs, the vDSO, the direct-fd calls) is built once per ABI set and reused
// by every program the worker runs: a start only points these at the new program's channel,
// memory, arguments and tables (building the stubs was ~0.2 ms of each start).

let i32: Int32Array<ArrayBufferLike> = new Int32Array(0);
let i64: BigInt64Array<ArrayBufferLike> = new BigInt64Array(0);
let bell: Int32Array<ArrayBufferLike> = new Int32Array(0);
let memory: WebAssembly.Memory | null = null;
let dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let u8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
let argBytes: Uint8Array[] = [];
let envBytes: Uint8Array[] = [];
let directTable: Int32Array | null = null;
/** CLOCK_MONOTONIC on the kernel's timeline (its performance.now()), whatever this worker's origin. */
let monoOffset = 0;
let monoBase = 0n;
let realBase = 0n;
/** The adaptive spin budget (kept across programs: it measures this machine, not a program). */
let spinBudget = MAX_SPIN;

/** Makes sure [ptr, ptr+len) is inside memory (refreshing views after growth). */
function inBounds(ptr: number, len: number): boolean {
  const end = (ptr >>> 0) + (len >>> 0);
  if (end <= dv.byteLength) return true;
  if (!memory) return false;
  dv = new DataView(memory.buffer);
  u8 = new Uint8Array(dv.buffer);
  return end <= dv.byteLength;
}

/** The trap into the kernel: post the call, ring, spin, sleep, return the errno. */
function trap(num: number): number {
  i32[NUMBER] = num;
  Atomics.store(i32, STATE, REQUEST);
  // An awake kernel polls the channels; a sleeping one waits on the doorbell. (Both sides' steps
  // are sequentially consistent: either its last poll before sleeping sees REQUEST, or this load
  // sees it sleeping.) Not ringing an awake kernel keeps the doorbell's line out of the call.
  if (Atomics.load(bell, BELL_SLEEPING) !== 0) {
    Atomics.add(bell, BELL_COUNT, 1);
    Atomics.notify(bell, BELL_COUNT);
  }
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
}

function stub(num: number, wide: readonly boolean[]) {
  const slots = argSlots(wide);
  return function (...args: (number | bigint)[]): number {
    for (let k = 0; k < args.length; k++) {
      if (wide[k]) i64[slots[k]! >> 1] = args[k] as bigint;
      else i32[slots[k]!] = args[k] as number;
    }
    return trap(num);
  };
}

// ---- the vDSO ----
const enc = new TextEncoder();
const encodeList = (list: string[]) => list.map((s) => enc.encode(s + '\0'));
// Under Node, process.hrtime is a cheaper nanosecond clock than performance.now(): it is lined
// up with the kernel's timeline at each start and used for both clocks.
const hrtime = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime?.bigint;
const origin = performance.timeOrigin;

/** The vDSO calls, answering with the ABI's errnos for a bad pointer and a bad argument. */
function makeVdso(EFAULT: number, EINVAL: number): Record<VdsoOp, (...a: never[]) => number> {
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
  const writeNs = (ptr: number, ns: number): number => {
    if (!inBounds(ptr, 8)) return EFAULT;
    const hi = Math.floor(ns / 4294967296);
    dv.setUint32(ptr, ns - hi * 4294967296, true);
    dv.setUint32(ptr + 4, hi, true);
    return 0;
  };
  const clockNow = hrtime
    ? (ptr: number, base: bigint): number => {
        if (!inBounds(ptr, 8)) return EFAULT;
        dv.setBigUint64(ptr, hrtime() - base, true);
        return 0;
      }
    : null;
  return {
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
        if (random.pos === random.pool.length) {
          crypto.getRandomValues(random.pool);
          random.pos = 0;
        }
        const n = Math.min(total - off, random.pool.length - random.pos);
        u8.set(random.pool.subarray(random.pos, random.pos + n), (buf >>> 0) + off);
        random.pos += n;
        off += n;
      }
      return 0;
    },
    yield: () => 0,
  };
}

// ---- direct fds ----
// A pread or a write of a direct fd is made here on the host fd (direct_fds.ts). Anything
// unusual (bad pointers, an offset past 2^53, a host error before any byte moved) traps
// instead, and the kernel answers it: a pread has no side effect, and a write that failed
// wrote nothing, so the kernel's own attempt is the call as the program made it.

/** Every iovec of a call is inside memory (and the list and the result pointer too). */
function iovsInBounds(at: number, count: number, out: number): boolean {
  if (count >>> 0 > 1024 || !inBounds(at, count * 8) || !inBounds(out, 4)) return false;
  for (let k = 0; k < count; k++) {
    if (!inBounds(dv.getUint32(at + 8 * k, true), dv.getUint32(at + 8 * k + 4, true))) return false;
  }
  return true;
}

function directWrite(trapWrite: (...a: (number | bigint)[]) => number) {
  return function (fd: number, iovs: number, count: number, writtenPtr: number): number {
    const hostFd = directTable ? directFd(directTable, 'write', fd) : -1;
    const at = iovs >>> 0;
    const out = writtenPtr >>> 0;
    if (hostFd < 0 || !iovsInBounds(at, count, out)) return trapWrite(fd, iovs, count, writtenPtr);
    let total = 0;
    for (let k = 0; k < count; k++) {
      const ptr = dv.getUint32(at + 8 * k, true);
      const len = dv.getUint32(at + 8 * k + 4, true);
      let off = 0;
      while (off < len) {
        try {
          off += host!.writeSync(hostFd, u8, ptr + off, len - off);
        } catch (e) {
          if ((e as { code?: string }).code === 'EAGAIN') {
            Atomics.wait(sleeper, 0, 0, 1); // a non-blocking pipe is full: wait for the reader
            continue;
          }
          // Nothing written: the kernel makes the write and answers the error (EPIPE, ...).
          if (total + off === 0) return trapWrite(fd, iovs, count, writtenPtr);
          dv.setUint32(out, total + off, true); // a short write; the next one meets the error
          return 0;
        }
      }
      total += len;
    }
    dv.setUint32(out, total, true);
    return 0;
  };
}

function directRead(trapRead: (...a: (number | bigint)[]) => number) {
  return function (fd: number, iovs: number, count: number, offset: bigint, readPtr: number): number {
    const hostFd = directTable ? directFd(directTable, 'read', fd) : -1;
    const at = iovs >>> 0;
    const out = readPtr >>> 0;
    if (hostFd < 0 || offset < 0n || offset > 9007199254740991n || !iovsInBounds(at, count, out)) {
      return trapRead(fd, iovs, count, offset, readPtr);
    }
    let pos = Number(offset);
    let total = 0;
    try {
      for (let k = 0; k < count; k++) {
        const len = dv.getUint32(at + 8 * k + 4, true);
        if (len === 0) continue;
        const n = host!.readSync(hostFd, u8, dv.getUint32(at + 8 * k, true), len, pos);
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
}

// ---- the import object ----

/** The ABI tables the kernel has sent this worker, by the id it gave them (sent once). */
const abiTables = new Map<number, readonly AbiImports[]>();
/** Import objects built, by ABI id, vDSO on/off and direct fds on/off. */
const importObjects = new Map<string, WebAssembly.Imports>();

function importObject(abis: readonly AbiImports[], abiId: number, vdsoOn: boolean, direct: boolean): WebAssembly.Imports {
  const key = `${abiId}:${vdsoOn ? 1 : 0}:${direct ? 1 : 0}`;
  const cached = importObjects.get(key);
  if (cached) return cached;
  // The errnos the vDSO answers with are the ABI's (every table the process has agrees on them).
  const { fault, inval } = abis[0]?.vdsoErrno ?? { fault: -1, inval: -1 };
  const vdso = makeVdso(fault, inval);
  const imports: WebAssembly.Imports = {};
  for (const abi of abis) {
    const mod: WebAssembly.ModuleImports = {};
    for (const f of abi.functions) {
      if (vdsoOn && f.vdso) mod[f.name] = vdso[f.vdso];
      else if (direct && f.gatherWrite) mod[f.name] = directWrite(stub(f.num, f.wide));
      else if (direct && f.positionedRead) mod[f.name] = directRead(stub(f.num, f.wide));
      else mod[f.name] = stub(f.num, f.wide);
    }
    imports[abi.module] = mod;
  }
  importObjects.set(key, imports);
  return imports;
}

function run(msg: StartMessage, port: Port): void {
  if (msg.abis) abiTables.set(msg.abiId, msg.abis);
  const abis = abiTables.get(msg.abiId);
  if (!abis) {
    port.post({ type: 'instantiate-error', message: `internal error: ABI tables ${msg.abiId} were never sent to this worker` });
    return;
  }
  ({ i32, i64 } = channelViews(msg.channel, msg.channelOffset));
  bell = doorbellView(msg.doorbell, msg.doorbellOffset);
  memory = msg.memory;
  dv = new DataView(memory ? memory.buffer : new ArrayBuffer(0));
  u8 = new Uint8Array(dv.buffer);
  argBytes = encodeList(msg.args);
  envBytes = encodeList(msg.env);
  directTable = msg.directFds && host ? new Int32Array(msg.directFds) : null;
  monoOffset = origin - msg.clockOrigin;
  monoBase = hrtime ? hrtime() - BigInt(Math.round((monoOffset + performance.now()) * 1e6)) : 0n;
  realBase = monoBase - BigInt(Math.round(msg.clockOrigin * 1e6));

  let imports = importObject(abis, msg.abiId, msg.vdso, directTable !== null);
  if (memory && msg.memoryImport) {
    // The memory is this program's own: a shallow copy of the shared import object carries it.
    const { module: m, name } = msg.memoryImport;
    imports = { ...imports, [m]: { ...imports[m], [name]: memory } };
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
const host = await hostFs();
port.onMessage((msg) => {
  if (msg.type === 'start') run(msg, port);
});
