// WasmPlatform: runs each program in its own worker and serves its system calls from the
// SharedArrayBuffer channels (see channel.ts, channel_pool.ts). The kernel side of the trap
// lives here: one loop serves every pending request (synchronously when the handler can answer
// at once, otherwise when its promise settles), polls the channels briefly while a core is free
// (gVisor's systrap spins the same way) and otherwise sleeps on the shared doorbell (blocking
// briefly, then in Atomics.waitAsync), yielding to the event loop regularly so timers, messages
// and IndexedDB keep running. It also keeps the warm pool of process workers and retires them.
import type { AbiImports, DirectKind, Platform, ProcessEvents, ProcessHandle, ProcessSpec, SyscallArgs } from '../platform.js';
import {
  ARG0, ARG_SLOTS, BELL_COUNT, BELL_SLEEPING, BELL_SPIN, argSlots, channelViews, doorbellView, NUMBER,
  REQUEST, RESPONSE, RESULT, SERVING, STATE, WAITING, EXITED, type ChannelViews, type StartMessage,
} from './channel.js';
import type { ProcessWorker, WorkerHost } from './host.js';
import { ChannelPool, type ChannelBlock } from './channel_pool.js';
import { newDirectFds, setDirectFd } from './direct_fds.js';

const EIO = 29;

/** Ids for ABI sets, unique in this thread (several platforms may share workers' code, not workers). */
let nextAbiId = 1;

/**
 * How long the kernel keeps polling for the next request before it sleeps (ms), at most and at
 * least. Longer than a process worker takes to wake from Atomics.wait (~50 µs here), or one
 * sleep makes both sides sleep from then on; much longer (1 ms was tried) takes the core a
 * starting process needs and makes start-to-exit slower.
 */
const KERNEL_SPIN_MS = 0.1;
// Never shorter than a sleeping process takes to wake and send its next call (~50 µs): a
// shorter window makes both sides sleep on every call from then on.
const KERNEL_SPIN_MIN_MS = 0.1;
/** Longest the kernel blocks its thread waiting for a request before sleeping asynchronously. */
const BLOCK_MS = 1;
/** Polls a process makes for its answer before it sleeps, while a core is free. */
const PROCESS_SPIN = 1 << 16;
/**
 * Programs one process worker runs before it is retired, unless its host says otherwise. Chromium
 * ran out of address space after ~124 programs when workers were reused forever (their old
 * memories were not yet collected).
 */
const RUNS_PER_WORKER = 16;
/**
 * A worker that has run its programs keeps running more while programs come back to back, up to
 * this many times as many, and is retired at the first quiet moment (QUIET_MS without a process):
 * retiring it at once meant spawning its replacement while the next program ran, and on the
 * 2-core machine that program's calls were 4–6x slower (fd_pwrite 1 B in Chromium: 3.9–4.5 µs
 * against 0.7 µs, the run on every worker's 16th program).
 */
const RETIRE_CAP_FACTOR = 3;
/** How long no process has run before the platform retires workers past their runs. */
const QUIET_MS = 50;
/** The serving loop yields to the event loop at least this often (ms). */
const YIELD_EVERY_MS = 4;

/** The slots of a call no table has (its stub cannot exist; read as all 32-bit). */
const PLAIN_SLOTS: readonly number[] = Array.from({ length: ARG_SLOTS }, (_, k) => ARG0 + k);

/** The parameters of the call being served, read from the channel's slots (channel.ts). */
class ChannelArgs implements SyscallArgs {
  /** The current call's slots (argSlots), set before it is served. */
  slots: readonly number[] = PLAIN_SLOTS;
  constructor(private readonly v: ChannelViews) {}
  i32(k: number): number {
    return this.v.i32[this.slots[k]!]!;
  }
  u32(k: number): number {
    return this.v.i32[this.slots[k]!]! >>> 0;
  }
  i64(k: number): bigint {
    return this.v.i64[this.slots[k]! >> 1]!;
  }
  u64(k: number): bigint {
    return BigInt.asUintN(64, this.i64(k));
  }
  i64n(k: number): number {
    const s = this.slots[k]!;
    return this.v.i32[s + 1]! * 4294967296 + (this.v.i32[s]! >>> 0);
  }
  u64n(k: number): number {
    const s = this.slots[k]!;
    return (this.v.i32[s + 1]! >>> 0) * 4294967296 + (this.v.i32[s]! >>> 0);
  }
  lo32(k: number): number {
    return this.v.i32[this.slots[k]!]! >>> 0;
  }
  hi32(k: number): number {
    return this.v.i32[this.slots[k]! + 1]! >>> 0;
  }
}

class WasmProcess implements ProcessHandle {
  alive = true;
  /** This process's calls being served asynchronously (counted in the platform's pendingAsync). */
  pending = 0;
  readonly views: ChannelViews;
  readonly args: ChannelArgs;
  /** The direct-fd tables (null: none handed out). */
  private readonly directFds: Int32Array | null;
  constructor(
    readonly platform: WasmPlatform,
    readonly worker: ProcessWorker,
    channel: ChannelBlock,
    directFds: SharedArrayBuffer | null,
    readonly events: ProcessEvents,
    /** Each trap number's parameter slots (argSlots), for the ABI tables this process has. */
    readonly slotsByNum: readonly (readonly number[] | undefined)[],
  ) {
    this.views = channelViews(channel.sab, channel.offset);
    this.args = new ChannelArgs(this.views);
    this.directFds = directFds ? new Int32Array(directFds) : null;
  }
  setDirectFd(kind: DirectKind, fd: number, hostFd: number | null): void {
    if (this.directFds) setDirectFd(this.directFds, kind, fd, hostFd);
  }
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    this.worker.terminate();
    this.platform.forget(this);
  }
  exitFromSyscall(): void {
    if (!this.alive) return;
    this.respond(EXITED);
    this.alive = false;
    this.platform.recycle(this.worker);
    this.platform.forget(this);
  }
  respond(errno: number): void {
    if (!this.alive) return;
    const i32 = this.views.i32;
    i32[RESULT] = errno;
    Atomics.store(i32, STATE, RESPONSE);
    if (Atomics.load(i32, WAITING) !== 0) Atomics.notify(i32, STATE);
  }
}

let calibratedPollsPerMs = 0;
/**
 * How many doorbell polls this thread makes in a millisecond (measured once). Measured when the
 * loop first runs, usually before V8 has compiled this loop: in Chromium the first measurement
 * was 1,000–2,500 against ~88,000 once compiled, so the kernel's spin is in practice a few
 * microseconds, not KERNEL_SPIN_MS. A spin timed by the clock at KERNEL_SPIN_MS was tried
 * (bench/README.md, 5 Dec) and gained nothing measurable, so the behaviour is kept as measured.
 */
function pollsPerMs(): number {
  if (calibratedPollsPerMs) return calibratedPollsPerMs;
  const probe = new Int32Array(new SharedArrayBuffer(4));
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < 2) {
    for (let k = 0; k < 1024; k++) n += Atomics.load(probe, 0) + 1;
    t = performance.now();
  }
  calibratedPollsPerMs = Math.max(1000, Math.round(n / (t - t0)));
  return calibratedPollsPerMs;
}

/** Atomics.wait is allowed on this thread (not on a browser's main thread). */
const canBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : (() => {
        const mc = new MessageChannel();
        const queue: Array<() => void> = [];
        mc.port1.onmessage = () => queue.shift()?.();
        return () => new Promise<void>((r) => {
          queue.push(r);
          mc.port2.postMessage(0);
        });
      })();

export interface WasmPlatformOptions {
  /** Idle workers kept ready so a program starts without spawning one (default 2). */
  warmWorkers?: number;
}

export class WasmPlatform implements Platform {
  readonly name = 'wasm';
  readonly cores: number;
  private readonly channelPool = new ChannelPool();
  private readonly bell = doorbellView(this.channelPool.doorbell.sab, this.channelPool.doorbell.offset);
  /** Each process worker's channel block, kept for the worker's life (channel_pool.ts). */
  private readonly channelOf = new WeakMap<ProcessWorker, ChannelBlock>();
  private readonly procs = new Set<WasmProcess>();
  /** The live processes' channels, polled while the kernel spins. */
  private readonly channels: Int32Array[] = [];
  private readonly warm: ProcessWorker[] = [];
  /** Programs each worker has run (workers are reused after a clean exit). */
  private readonly runs = new WeakMap<ProcessWorker, number>();
  private readonly warmTarget: number;
  private looping = false;
  private closed = false;

  constructor(private readonly host: WorkerHost, opts: WasmPlatformOptions = {}) {
    this.cores = host.cores;
    this.warmTarget = opts.warmWorkers ?? 2;
    this.refill();
  }

  private refill(): void {
    while (!this.closed && this.warm.length < this.warmTarget) this.warm.push(this.host.spawn());
  }

  start(spec: ProcessSpec, events: ProcessEvents): ProcessHandle {
    if (this.closed) throw new Error('platform is shut down');
    const worker = this.warm.pop() ?? this.host.spawn();
    worker.setKeepAlive(true);
    let channel = this.channelOf.get(worker);
    if (!channel) this.channelOf.set(worker, (channel = this.channelPool.take()));
    // A recycled worker's channel may still say RESPONSE or IDLE from its last program: never REQUEST.
    const directFds = spec.directFds ? newDirectFds() : null;
    const proc = new WasmProcess(this, worker, channel, directFds, events, this.slotsFor(spec.abis));
    worker.setHandlers(
      (m) => {
        if (!proc.alive) return;
        proc.kill();
        events.ended({ kind: m.type === 'trap' ? 'trap' : 'instantiate-error', message: m.message });
      },
      (message) => {
        if (!proc.alive) return;
        proc.kill();
        events.ended({ kind: 'crash', message });
      },
    );
    const msg: StartMessage = {
      type: 'start', module: spec.module, memory: spec.memory, memoryImport: spec.memoryImport,
      channel: channel.sab, channelOffset: channel.offset,
      doorbell: this.channelPool.doorbell.sab, doorbellOffset: this.channelPool.doorbell.offset,
      args: spec.args, env: spec.env, vdso: spec.vdso,
      ...this.abisFor(worker, spec.abis), exitCall: spec.exitCall, directFds,
      clockOrigin: performance.timeOrigin,
    };
    worker.post(msg);
    this.procs.add(proc);
    this.channels.push(proc.views.i32);
    this.updateSpin();
    // Replace the warm worker after this turn, off the start path.
    setTimeout(() => this.refill(), 0);
    if (!this.looping) void this.loop();
    return proc;
  }

  /** Ids of the ABI sets processes were started with (the kernel's tables: one or two). */
  private readonly abiIds = new WeakMap<readonly AbiImports[], number>();
  /** The ABI set ids each worker has been sent (a warm worker keeps its import objects). */
  private readonly abisSent = new WeakMap<ProcessWorker, Set<number>>();

  private readonly slotTables = new WeakMap<readonly AbiImports[], (readonly number[] | undefined)[]>();

  /** Each trap number's parameter slots in a channel, for an ABI set (worked out once per set). */
  private slotsFor(abis: readonly AbiImports[]): readonly (readonly number[] | undefined)[] {
    let table = this.slotTables.get(abis);
    if (!table) {
      table = [];
      for (const abi of abis) for (const f of abi.functions) table[f.num] = argSlots(f.wide);
      this.slotTables.set(abis, table);
    }
    return table;
  }

  /** The start message's ABI fields: the tables themselves only the first time for worker. */
  private abisFor(worker: ProcessWorker, abis: readonly AbiImports[]): { abis: readonly AbiImports[] | null; abiId: number } {
    let abiId = this.abiIds.get(abis);
    if (abiId === undefined) this.abiIds.set(abis, (abiId = nextAbiId++));
    let sent = this.abisSent.get(worker);
    if (!sent) this.abisSent.set(worker, (sent = new Set()));
    if (sent.has(abiId)) return { abis: null, abiId };
    sent.add(abiId);
    return { abis, abiId };
  }

  /** Programs a worker runs before it is retired at a quiet moment. */
  private get runsPerWorker(): number {
    return this.host.runsPerWorker ?? RUNS_PER_WORKER;
  }

  /** A worker whose program exited cleanly goes back to the warm pool (or away, if it is full). */
  recycle(worker: ProcessWorker): void {
    worker.setHandlers(() => {}, () => {});
    worker.setKeepAlive(false);
    const runs = (this.runs.get(worker) ?? 0) + 1;
    this.runs.set(worker, runs);
    // A worker keeps the memories of the programs it ran until it collects garbage, and each
    // wasm memory reserves gigabytes of address space: retire workers after a few programs —
    // when the platform is quiet, or at the cap.
    if (!this.closed && runs < this.runsPerWorker * RETIRE_CAP_FACTOR && this.warm.length < this.warmTarget + 2) this.warm.push(worker);
    else worker.terminate();
  }

  private quietTimer: ReturnType<typeof setTimeout> | null = null;

  /** When no process runs: retires the warm workers past their runs after QUIET_MS, and refills. */
  private retireWhenQuiet(): void {
    if (this.closed || this.procs.size > 0) return;
    if (!this.warm.some((w) => (this.runs.get(w) ?? 0) >= this.runsPerWorker)) return;
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (this.closed || this.procs.size > 0) return;
      for (const w of this.warm.filter((w) => (this.runs.get(w) ?? 0) >= this.runsPerWorker)) {
        this.warm.splice(this.warm.indexOf(w), 1);
        w.terminate();
      }
      this.refill();
    }, QUIET_MS);
    // Under Node the timer must not keep a finished `wasmvisor run` alive.
    (this.quietTimer as { unref?: () => void }).unref?.();
  }

  /** Called when a process is gone. */
  forget(p: WasmProcess): void {
    this.procs.delete(p);
    // A gone process's calls no longer count, settled or not: proc_exit's never settles, nor
    // may a read the process was killed in.
    this.pendingAsync -= p.pending;
    p.pending = 0;
    const at = this.channels.indexOf(p.views.i32);
    if (at >= 0) this.channels.splice(at, 1);
    this.updateSpin();
    // Wake the loop so it notices there may be nothing left to serve.
    Atomics.add(this.bell, BELL_COUNT, 1);
    Atomics.notify(this.bell, BELL_COUNT);
    this.retireWhenQuiet();
  }

  private backgroundLoad = 0;
  /** Live processes' syscalls being served asynchronously (blocked reads, polls, ...). */
  private pendingAsync = 0;

  /** How many live processes' calls are being served asynchronously (for tests). */
  get asyncCallsPending(): number {
    return this.pendingAsync;
  }

  setBackgroundLoad(threads: number): void {
    if (threads === this.backgroundLoad) return;
    this.backgroundLoad = threads;
    this.updateSpin();
  }

  /** Spinning only pays while every busy thread (kernel, processes, others) has a core. */
  private spinAllowed(): boolean {
    return this.procs.size + 1 + this.backgroundLoad <= this.cores;
  }

  private updateSpin(): void {
    Atomics.store(this.bell, BELL_SPIN, this.spinAllowed() ? PROCESS_SPIN : 0);
  }

  /** A process has posted a call not yet taken (the channels of live processes, polled). */
  private requestWaiting(): boolean {
    for (const c of this.channels) if (Atomics.load(c, STATE) === REQUEST) return true;
    return false;
  }

  /** Serves every pending request once; returns how many were taken. */
  private serveAll(): number {
    let n = 0;
    for (const p of this.procs) {
      const i32 = p.views.i32;
      if (Atomics.load(i32, STATE) !== REQUEST) continue;
      n++;
      const num = i32[NUMBER]!;
      p.args.slots = p.slotsByNum[num] ?? PLAIN_SLOTS;
      let r: number | Promise<number>;
      try {
        r = p.events.syscall(num, p.args);
      } catch (e) {
        console.error('wasmvisor: kernel error serving a syscall:', e);
        r = EIO;
      }
      // A call answered at once goes REQUEST -> RESPONSE (one write to the channel while the
      // process polls it); one that waits is marked SERVING so later passes skip it.
      if (typeof r === 'number') p.respond(r);
      else {
        // A process that ended in the call (proc_exit) is forgotten already: nothing to count.
        const counted = p.alive;
        if (counted) {
          Atomics.store(i32, STATE, SERVING);
          p.pending++;
          this.pendingAsync++;
        }
        r.then((v) => p.respond(v), (e) => {
          console.error('wasmvisor: kernel error serving a syscall:', e);
          p.respond(EIO);
        }).finally(() => {
          if (counted && p.pending > 0) {
            p.pending--;
            this.pendingAsync--;
          }
        });
      }
    }
    return n;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      await Promise.resolve(); // never spin inside start(): let the caller go on first
      const bell = this.bell;
      // Clocks are dear here (performance.now() costs ~200 ns in Chromium, more than a poll of
      // the doorbell): the spin is measured in polls, the yield deadline with Date.now().
      const maxPolls = Math.max(64, Math.round(pollsPerMs() * KERNEL_SPIN_MS));
      const minPolls = Math.max(16, Math.round(pollsPerMs() * KERNEL_SPIN_MIN_MS));
      // Adaptive spin: doubles when a spin catches the next request, halves when not, so a
      // process that computes for long between calls does not keep a core busy for nothing.
      let polls = maxPolls;
      let lastYield = Date.now();
      while (this.procs.size > 0) {
        const seen = Atomics.load(bell, BELL_COUNT);
        this.serveAll();
        if (Date.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = Date.now();
          continue;
        }
        if (this.spinAllowed()) {
          // Poll the channels (a process rings the doorbell only while the kernel sleeps) and the
          // doorbell (which forget() rings).
          let i = 0;
          const chans = this.channels;
          if (chans.length === 1) {
            const c = chans[0]!;
            while (i < polls && Atomics.load(c, STATE) !== REQUEST && Atomics.load(bell, BELL_COUNT) === seen) i++;
          } else {
            while (i < polls && !this.requestWaiting() && Atomics.load(bell, BELL_COUNT) === seen) i++;
          }
          const rang = i < polls;
          polls = rang ? Math.min(polls * 2, maxPolls) : Math.max(polls >> 1, minPolls);
          if (rang) continue;
        }
        // Let promise chains that this turn started finish first: a pipe write served just now
        // may complete a blocked read, whose answer must not wait for our sleep.
        for (let k = 0; k < 8; k++) await null;
        if (Atomics.load(bell, BELL_COUNT) !== seen) continue;
        // Sleeping from here: processes ring from now on. A request posted before they could see
        // it is caught by the poll after (channel.ts).
        Atomics.store(bell, BELL_SLEEPING, 1);
        if (this.requestWaiting()) {
          Atomics.store(bell, BELL_SLEEPING, 0);
          continue;
        }
        // A short blocking wait is woken directly by the process's notify; waitAsync needs an
        // event-loop turn (~10–40 µs). Block (at most BLOCK_MS) only when no live process's call
        // is being served asynchronously, since a blocked thread cannot finish it; otherwise
        // sleep asynchronously. (Until 5 Dec a program's proc_exit, whose answer never comes,
        // stayed counted, so after the first exit the kernel never blocked again.)
        let woke = false;
        if (canBlock && this.pendingAsync === 0) woke = Atomics.wait(bell, BELL_COUNT, seen, BLOCK_MS) !== 'timed-out';
        if (!woke) {
          const w = Atomics.waitAsync(bell, BELL_COUNT, seen);
          if (w.async) await w.value;
          lastYield = Date.now();
        }
        Atomics.store(bell, BELL_SLEEPING, 0);
      }
    } finally {
      this.looping = false;
    }
  }

  shutdown(): void {
    this.closed = true;
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    for (const w of this.warm.splice(0)) w.terminate();
    for (const p of [...this.procs]) p.kill();
  }
}
