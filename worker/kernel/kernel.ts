// Kernel: the sentry's root object. Owns the VFS and its mounts, the task table and pids,
// program loading (memory rewrite, import check, compile cache) and process start through the
// Platform; every system call of every task enters through Kernel.syscall.
import { Errno, SysError } from '../errors/errno.js';
import { FileType } from '../vfs/file_type.js';
import { RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING, rightsFor } from './rights.js';
import { Signal } from './signals.js';
import { ExecError, ExitStatusFor } from './exec_error.js';
import { Task, type ExitStatus } from './task.js';
import { DirectFds } from './direct_fds.js';
import { CALLS_PER_TABLE, type SyscallTable } from './syscall_table.js';
import type { AbiImports, Platform, TrapEntry } from '../platform/platform.js';
import type { FileDescription } from '../vfs/file_description.js';
import type { Filesystem } from '../vfs/filesystem.js';
import type { Inode } from '../vfs/inode.js';
import { VirtualFilesystem, type WalkScope } from '../vfs/vfs.js';
import {
  formatFuncType, LoadError, prepareModule, MEMORY_IMPORT_MODULE, type FuncType, type PreparedModule,
} from '../platform/wasm/loader.js';

export const KERNEL_VERSION = '0.1.0';
export const PAGE = 65536;
/** Default memory limit of a process: 1 GiB. */
export const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;

/** A loaded, compiled program, reusable for many processes. */
export interface Program {
  module: WebAssembly.Module;
  prepared: PreparedModule;
}

export interface Preopen {
  /** Where in the namespace (absolute path). */
  path: string;
  /** What fd_prestat_dir_name reports. */
  name: string;
}

export interface SpawnSpec {
  program: Program;
  argv: string[];
  /** "KEY=value" strings, exactly the environment. */
  env: string[];
  cwd?: string;
  /**
   * The root of the task's file namespace (a container's root; default the machine's): its cwd
   * and preopens are paths inside it, and `..` never climbs above it.
   */
  root?: Inode;
  /** The container the task belongs to (its id), for ps and accounting. */
  container?: string;
  stdio: [FileDescription, FileDescription, FileDescription];
  preopens: Preopen[];
  memoryLimitBytes?: number;
  ppid?: number;
  /** Process group (default: a new group led by the task). */
  pgid?: number;
  /** Log every call (and serve even the vDSO calls in the kernel so they are seen). */
  strace?: boolean;
}

export interface KernelOptions {
  platform: Platform;
  /** The root file system. */
  root: Filesystem;
  /** The system call ABIs programs may import (machine/ registers WASI's). */
  syscallTables: readonly SyscallTable[];
  /** Where strace lines go (default: console.error). */
  straceSink?: (line: string) => void;
}

export class Kernel {
  readonly vfs: VirtualFilesystem;
  readonly platform: Platform;
  readonly tasks = new Map<number, Task>();
  /** The task whose syscall is being served right now (procfs's /proc/self). */
  current: Task | null = null;
  /** Calls answered ENOSYS/ENOTSUP, by name, for `wasmvisor syscalls` and diagnostics. */
  readonly unsupportedCalls = new Map<string, number>();
  readonly straceSink: (line: string) => void;
  readonly bootTime = performance.now();
  /** The registered syscall tables; table k serves calls numbered k * CALLS_PER_TABLE and up. */
  readonly syscallTables: readonly SyscallTable[];
  /** The functions each registered ABI module provides, by name. */
  private readonly knownImports = new Map<string, Map<string, TrapEntry>>();
  /** What the platform stubs for a process: every table's imports, numbered kernel-wide. */
  private readonly abiImports: AbiImports[];
  private readonly exitCall: number;
  private nextPid = 1;
  private readonly programCache = new WeakMap<Uint8Array, Program>();

  constructor(opts: KernelOptions) {
    this.platform = opts.platform;
    this.vfs = new VirtualFilesystem(opts.root);
    this.straceSink = opts.straceSink ?? ((l) => console.error(l));
    if (opts.syscallTables.length === 0) throw new Error('a kernel needs at least one syscall table');
    this.syscallTables = opts.syscallTables;
    this.abiImports = opts.syscallTables.map((tbl, k) => {
      this.knownImports.set(tbl.module, new Map(tbl.imports.functions.map((f) => [f.name, f])));
      return {
        ...tbl.imports,
        functions: tbl.imports.functions.map((f) => {
          if (f.num >= CALLS_PER_TABLE) throw new Error(`${tbl.module}.${f.name}: call number ${f.num} out of range`);
          return { ...f, num: k * CALLS_PER_TABLE + f.num };
        }),
      };
    });
    this.exitCall = opts.syscallTables[0]!.exitCall;
  }

  /**
   * Checks, rewrites and compiles a module. Throws ExecError with a clear message (and the
   * exit status the command line uses) for anything that cannot run.
   */
  async loadProgram(bytes: Uint8Array): Promise<Program> {
    const cached = this.programCache.get(bytes);
    if (cached) return cached;
    let prepared: PreparedModule;
    try {
      // Declare the largest maximum here; each process gets a memory capped at its own limit.
      prepared = prepareModule(bytes, 65536);
    } catch (e) {
      if (e instanceof LoadError) {
        const status = e.code === 'not-a-module' ? ExitStatusFor.notAModule : ExitStatusFor.invalidModule;
        throw new ExecError(status, e.message);
      }
      throw e;
    }
    for (const imp of prepared.imports) {
      const known = this.knownImports.get(imp.module);
      if (imp.kind === 'memory' && prepared.memory?.imported) continue;
      const fn = imp.kind === 'func' ? known?.get(imp.name) : undefined;
      if (!fn) {
        throw new ExecError(ExitStatusFor.unknownImport, `unknown import ${imp.module}::${imp.name} (${imp.kind})`);
      }
      // A JS stub would accept any signature and misread the arguments: refuse the module.
      const want: FuncType = { params: fn.wide.map((w) => (w ? 'i64' : 'i32')), results: fn.returns ? ['i32'] : [] };
      if (imp.type && formatFuncType(imp.type) !== formatFuncType(want)) {
        throw new ExecError(ExitStatusFor.importTypeMismatch,
          `import ${imp.module}::${imp.name} has type ${formatFuncType(imp.type)}, but the kernel's ${imp.name} is ${formatFuncType(want)}`);
      }
    }
    const start = prepared.exports.find((e) => e.name === '_start');
    if (!start || start.kind !== 'func') throw new ExecError(ExitStatusFor.noStart, 'module has no _start function (not a WASI command)');
    // WASI calls work on the memory exported as "memory"; a module that imports its memory
    // (wasi-threads style) is given the kernel's, which the calls then use.
    const memory = prepared.exports.find((e) => e.name === 'memory');
    if ((!memory || memory.kind !== 'memory') && !prepared.memory?.imported) {
      throw new ExecError(ExitStatusFor.noMemoryExport,
        'module exports no memory named "memory" (a WASI command must export its linear memory)');
    }
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(prepared.bytes);
    } catch (e) {
      throw new ExecError(ExitStatusFor.invalidModule, `invalid WebAssembly module: ${e instanceof Error ? e.message : String(e)}`);
    }
    const program = { module, prepared };
    this.programCache.set(bytes, program);
    return program;
  }

  /** Starts a program as a new task. */
  spawn(spec: SpawnSpec): Task {
    const limit = spec.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
    const limitPages = Math.min(65536, Math.floor(limit / PAGE));
    const plan = spec.program.prepared.memory;
    let memory: WebAssembly.Memory | null = null;
    if (plan) {
      if (plan.initialPages > limitPages) {
        throw new ExecError(ExitStatusFor.memoryTooLarge,
          `module needs ${plan.initialPages * 64} KiB of memory at start, the limit is ${limitPages * 64} KiB`);
      }
      memory = new WebAssembly.Memory({ initial: plan.initialPages, maximum: Math.min(plan.maximumPages, limitPages), shared: true });
    }
    const task = this.createTask(spec, memory, limitPages * PAGE);
    const strace = spec.strace ?? false;
    const tables = this.syscallTables;
    const direct = new DirectFds(task, !strace);
    /** After each call: the fds the process serves itself, kept in step (direct_fds.ts). */
    const afterCall = (): void => direct.sync();
    task.handle = this.platform.start(
      {
        module: spec.program.module, memory,
        memoryImport: plan ? { module: plan.importModule ?? MEMORY_IMPORT_MODULE, name: plan.importName } : null,
        args: spec.argv, env: spec.env, vdso: !strace, abis: this.abiImports, exitCall: this.exitCall,
        directFds: direct.enabled,
      },
      {
        // The platform delivers each trapped call to the table the task came through.
        syscall: (num, args) => {
          const tbl = tables[(num / CALLS_PER_TABLE) | 0];
          // A number no table has (no stub makes one) gets the first table's "no such call".
          const r = tbl ? tbl.dispatch(task, num % CALLS_PER_TABLE, args, strace) : tables[0]!.dispatch(task, CALLS_PER_TABLE, args, strace);
          if (typeof r === 'number') {
            afterCall();
            return r;
          }
          return r.then((v) => {
            afterCall();
            return v;
          });
        },
        ended: (how) => {
          const what = how.kind === 'trap' ? 'wasm trap' : how.kind === 'instantiate-error' ? 'could not instantiate' : 'process worker crashed';
          task.exit({ code: 128 + Signal.ABRT, signal: Signal.ABRT, reason: `${what}: ${how.message}` });
        },
      },
    );
    direct.sync();
    return task;
  }

  /**
   * Starts a task whose program is kernel code (the shell): it has an fd table, cwd and
   * environment like any task, no linear memory, and `main` as its body. Killing it ends it
   * (main sees `task.alive` turn false); main's result is its exit status.
   */
  spawnKernelTask(spec: Omit<SpawnSpec, 'program' | 'memoryLimitBytes' | 'strace'>, main: (task: Task) => Promise<number>): Task {
    const task = this.createTask(spec, null, 0);
    task.handle = { kill: () => {}, exitFromSyscall: () => {}, setDirectFd: () => {} };
    main(task).then(
      (code) => task.exit({ code }),
      (e) => {
        console.error(`wasmvisor: kernel task ${spec.argv[0]} failed:`, e);
        task.exit({ code: 125, reason: `internal error: ${e instanceof Error ? e.message : String(e)}` });
      },
    );
    return task;
  }

  /** The task table entry, fds and preopens of a new task; on any failure nothing is left behind. */
  private createTask(spec: Omit<SpawnSpec, 'program'>, memory: WebAssembly.Memory | null, limitBytes: number): Task {
    const root = [spec.root ?? this.vfs.root];
    const cwdPath = spec.cwd ?? '/';
    const cwdChain = this.vfs.resolve(root, cwdPath, this.vfs.rootScope);
    if (cwdChain[cwdChain.length - 1]!.type !== FileType.DIRECTORY) throw new SysError(Errno.NOTDIR, `cwd ${cwdPath} is not a directory`);
    const pid = this.nextPid++;
    const task = new Task(pid, spec.ppid ?? 0, spec.argv, spec.env, { path: cwdPath, chain: cwdChain, scope: this.vfs.rootScope },
      memory, limitBytes);
    task.kernel = this;
    task.pgid = spec.pgid ?? pid;
    task.container = spec.container;
    try {
      spec.stdio.forEach((desc, fd) => {
        const rights = rightsFor(desc);
        task.fds.install({ desc, rightsBase: rights.base, rightsInheriting: rights.inheriting, openedRights: rights.base }, fd);
      });
      for (const p of spec.preopens) {
        const chain = this.vfs.resolve(root, p.path, this.vfs.rootScope);
        const inode = chain[chain.length - 1]!;
        if (inode.type !== FileType.DIRECTORY) throw new SysError(Errno.NOTDIR, `preopen ${p.path} is not a directory`);
        const scope: WalkScope = chain.length === 1 ? this.vfs.rootScope : { floor: chain.length, clampAtFloor: false, allowAbsolute: false };
        const desc = inode.open({ read: true, write: false });
        task.fds.install({
          desc, rightsBase: RIGHTS_DIR_BASE, rightsInheriting: RIGHTS_DIR_INHERITING, openedRights: RIGHTS_DIR_BASE,
          chain, scope, preopenName: p.name,
        });
      }
    } catch (e) {
      task.fds.closeAll();
      throw e;
    }
    this.tasks.set(pid, task);
    task.whenExited(() => {
      // Reap at once: the status lives on in the Task object for whoever waits on it.
      setTimeout(() => this.tasks.delete(pid), 0);
    });
    return task;
  }

  /** Sends sig to every live task in process group pgid. */
  signalGroup(pgid: number, sig: number): number {
    let n = 0;
    for (const t of [...this.tasks.values()]) {
      if (t.pgid === pgid && t.alive && t.handleSignal(sig)) n++;
    }
    return n;
  }

  /** Sends a signal: every signal a WASI program can get ends it with 128+n. */
  kill(pid: number, signal: number, reason?: string): boolean {
    const t = this.tasks.get(pid);
    if (!t || !t.alive) return false;
    return t.handleSignal(signal, reason);
  }

  /** Counts a call the kernel answered as unsupported. */
  countUnsupported(name: string): void {
    this.unsupportedCalls.set(name, (this.unsupportedCalls.get(name) ?? 0) + 1);
  }

  /** Stops all tasks and background platform work. */
  shutdown(): void {
    for (const t of this.tasks.values()) t.exit({ code: 128 + Signal.KILL, signal: Signal.KILL, reason: 'kernel shut down' });
    this.platform.shutdown();
  }
}

export type { ExitStatus };
