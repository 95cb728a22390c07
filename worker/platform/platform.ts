// Platform: how a program runs and how its system calls reach the kernel (gVisor's
// platform.Platform). The kernel sees only this interface, so a second platform (for example
// one that runs programs inside the kernel worker with JSPI when the page is not
// cross-origin isolated) can be added without touching the kernel.

/** A system call's arguments as the platform delivered them. */
export interface SyscallArgs {
  /** Parameter k as a signed 32-bit value. */
  i32(k: number): number;
  /** Parameter k as an unsigned 32-bit value (pointers, lengths, fds). */
  u32(k: number): number;
  /** Parameter k as a signed 64-bit value. */
  i64(k: number): bigint;
  /** Parameter k as an unsigned 64-bit value (timestamps). */
  u64(k: number): bigint;
  /**
   * Parameter k (64-bit) as a signed number, without a BigInt: exact while |value| < 2^53,
   * and beyond that a number of at least that magnitude (callers treat it as "too large").
   */
  i64n(k: number): number;
  /** Parameter k (64-bit) as an unsigned number; exact below 2^53, >= 2^53 otherwise. */
  u64n(k: number): number;
  /** The low and high 32 bits of 64-bit parameter k (unsigned), for bit sets such as rights. */
  lo32(k: number): number;
  hi32(k: number): number;
}

/**
 * Calls a process worker may answer by itself, without the kernel (Linux's vDSO): each names
 * an operation the platform implements on the process's own snapshot of argv/env, its clocks
 * and its random source. Their memory formats are the ones every ABI here shares (a count and
 * a size; an array of pointers and a buffer of NUL-terminated strings; a u64 of nanoseconds).
 */
export type VdsoOp = 'args_sizes' | 'args' | 'environ_sizes' | 'environ' | 'clock_res' | 'clock_time' | 'random' | 'yield';

/** One function a program may import, as the platform must stub it. */
export interface TrapEntry {
  readonly name: string;
  /** The syscall number the stub traps with (unique across the tables a process has). */
  readonly num: number;
  /** Which parameters are 64-bit. */
  readonly wide: readonly boolean[];
  /** The call returns an i32 (its errno) to the program; false for an exit call, which never returns. */
  readonly returns: boolean;
  /** Served in the process (when the vDSO is on) instead of trapping. */
  readonly vdso?: VdsoOp;
  /**
   * The call is a gather write shaped like WASI's fd_write — (fd, iovecs, count, written ptr),
   * each iovec two u32s (pointer, length) — so the process may make it itself on a direct-write
   * fd (ProcessHandle.setDirectFd) instead of trapping.
   */
  readonly gatherWrite?: boolean;
  /**
   * The call is a positioned read shaped like WASI's fd_pread — (fd, iovecs, count, u64 offset,
   * read ptr) — so the process may make it itself on a direct-read fd (ProcessHandle.setDirectFd).
   */
  readonly positionedRead?: boolean;
}

/** The imports of one ABI module, as a syscall table describes them to the platform. */
export interface AbiImports {
  readonly module: string;
  readonly functions: readonly TrapEntry[];
  /** The errno numbers the vDSO answers with for a bad pointer and a bad argument. */
  readonly vdsoErrno: { fault: number; inval: number };
}

/** How a program ended without calling proc_exit. */
export interface AbnormalEnd {
  kind: 'trap' | 'instantiate-error' | 'crash';
  message: string;
}

/** What the platform tells the kernel about one process. */
export interface ProcessEvents {
  /** Serve system call number `num`; resolve to the errno (in the ABI's numbers) the program gets. */
  syscall(num: number, args: SyscallArgs): number | Promise<number>;
  /** The program ended on its own without proc_exit (trap, link error, worker crash). */
  ended(how: AbnormalEnd): void;
}

/** What a direct fd serves in the process: positioned reads (fd_pread) or writes (fd_write). */
export type DirectKind = 'read' | 'write';

/** What the kernel hands the platform to start a program. */
export interface ProcessSpec {
  module: WebAssembly.Module;
  /** The shared memory the kernel made for it (null: the module has no memory). */
  memory: WebAssembly.Memory | null;
  memoryImport: { module: string; name: string } | null;
  args: string[];
  env: string[];
  /** Answer clock/random/args calls in the process (false under strace). */
  vdso: boolean;
  /** The ABI modules whose functions the program may import, each stubbed to trap. */
  abis: readonly AbiImports[];
  /** The call a return from `_start` traps with (argument 0 = status 0): the ABI's exit. */
  exitCall: number;
  /** The kernel may hand the process direct fds (ProcessHandle.setDirectFd); false under strace. */
  directFds: boolean;
}

/** A running process as the kernel holds it: our `Switch`, reduced to what WASM allows. */
export interface ProcessHandle {
  /** Stops the program now, wherever it is (also in a loop that makes no syscalls). */
  kill(): void;
  /**
   * The program ended itself in the system call being served (proc_exit, a fatal proc_raise):
   * unwind it. The platform may keep its thread for the next program.
   */
  exitFromSyscall(): void;
  /**
   * From now on the program's positioned reads (kind 'read') or writes ('write') of fd (below 64)
   * are made by the process itself on host fd hostFd, which the kernel holds open (worker threads
   * share the host process's fds), or, with null, trap again. Called only while the process is
   * stopped in a call, so it takes effect before the program's next one. For a host file whose
   * reads have no side effect, and for the command's own stdout/stderr, written in program order.
   */
  setDirectFd(kind: DirectKind, fd: number, hostFd: number | null): void;
}

export interface Platform {
  readonly name: string;
  /** Cores the machine has (the kernel's limits and the spin policy use it). */
  readonly cores: number;
  start(spec: ProcessSpec, events: ProcessEvents): ProcessHandle;
  /**
   * How many threads outside the platform's own are busy now (for example the page rendering
   * terminal output). A platform that spins while waiting stops spinning when they would take
   * the cores it spins on.
   */
  setBackgroundLoad(threads: number): void;
  /** Stops background work (warm workers) so a Node process can exit. */
  shutdown(): void;
}
