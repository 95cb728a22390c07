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
  /** Parameter k as an unsigned 64-bit value (rights, timestamps). */
  u64(k: number): bigint;
}

/** How a program ended without calling proc_exit. */
export interface AbnormalEnd {
  kind: 'trap' | 'instantiate-error' | 'crash';
  message: string;
}

/** What the platform tells the kernel about one process. */
export interface ProcessEvents {
  /** Serve system call number `num`; resolve to the WASI errno to return to the program. */
  syscall(num: number, args: SyscallArgs): number | Promise<number>;
  /** The program ended on its own without proc_exit (trap, link error, worker crash). */
  ended(how: AbnormalEnd): void;
}

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
