// Task: one process of the sandbox (gVisor's kernel.Task, reduced to what a WASI program has:
// one thread). Owns its pid, parent, argv/env, working directory, fd table, memory and limit,
// and its exit status; `exited` resolves when it has ended, however it ended.
import { FdTable } from './fd_table.js';
import type { ProcessHandle } from '../platform/platform.js';
import { ProcessMemory } from './memory.js';
import type { Chain, WalkScope } from '../vfs/vfs.js';
import type { Kernel } from './kernel.js';
import { IGNORED_SIGNALS, Signal, signalName } from './signals.js';

export type TaskState = 'running' | 'sleeping' | 'zombie';

export interface ExitStatus {
  /** The exit status a shell sees: the program's own, or 128+n for signal n. */
  code: number;
  /** Signal that ended the task, if one did. */
  signal?: number;
  /** One line saying why, when the program did not exit by itself. */
  reason?: string;
}

export class Task {
  readonly fds = new FdTable();
  /** The kernel this task lives in (set by Kernel.spawn). */
  kernel!: Kernel;
  /** The task's linear memory, bounds-checked: what syscall handlers read and write. */
  readonly mem: ProcessMemory;
  state: TaskState = 'running';
  status: ExitStatus | null = null;
  handle: ProcessHandle | null = null;
  /** The container the task runs in (its id), if any. */
  container: string | undefined;
  /** Process group (the terminal's foreground job is a group). */
  pgid = 0;
  /**
   * Kernel tasks (the shell) catch signals instead of dying: this handler gets them.
   * Returns true if the signal was delivered.
   */
  signalHandler: ((sig: number) => void) | null = null;
  /** A write already failed with EPIPE (the next one ends the task with SIGPIPE). */
  sawBrokenPipe = false;
  readonly startedAt = performance.now();
  readonly exited: Promise<ExitStatus>;
  private resolveExit!: (s: ExitStatus) => void;
  private readonly onExit: Array<(t: Task) => void> = [];

  constructor(
    readonly pid: number,
    readonly ppid: number,
    readonly argv: string[],
    readonly env: string[],
    public cwd: { path: string; chain: Chain; scope: WalkScope },
    readonly memory: WebAssembly.Memory | null,
    readonly memoryLimitBytes: number,
  ) {
    this.mem = new ProcessMemory(memory);
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  get alive(): boolean {
    return this.status === null;
  }

  /** Bytes of linear memory in use (memory never shrinks, so this is also the peak). */
  memoryBytes(): number {
    return this.memory ? this.memory.buffer.byteLength : 0;
  }

  /** Runs cb when the task ends. */
  whenExited(cb: (t: Task) => void): void {
    if (this.status) cb(this);
    else this.onExit.push(cb);
  }

  /**
   * Delivers a signal. A WASI program has no handlers: every signal that is not ignored by
   * default ends it with 128+n. A kernel task with a handler gets the signal instead.
   */
  handleSignal(sig: number, reason?: string): boolean {
    if (!this.alive) return false;
    if (sig === 0) return true;
    if (this.signalHandler && sig !== Signal.KILL /* cannot be caught */) {
      this.signalHandler(sig);
      return true;
    }
    if (IGNORED_SIGNALS.has(sig)) return true;
    this.exit({ code: 128 + sig, signal: sig, reason: reason ?? `killed by ${signalName(sig)}` });
    return true;
  }

  /**
   * Ends the task: stops its program, closes its fds, records and publishes the status.
   * fromSyscall: the program ended itself in the call being served (proc_exit), so its
   * thread can be unwound and reused instead of killed.
   */
  exit(status: ExitStatus, fromSyscall = false): void {
    if (this.status) return;
    this.status = status;
    this.state = 'zombie';
    if (fromSyscall) this.handle?.exitFromSyscall();
    else this.handle?.kill();
    this.fds.closeAll();
    this.resolveExit(status);
    for (const cb of this.onExit.splice(0)) cb(this);
  }
}
