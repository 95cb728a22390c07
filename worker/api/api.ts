// The kernel api: the verbs the main thread (and embedders, through it) may call. Runs a
// program to completion with its output collected, and moves files in and out of the
// sandbox's file system. Everything that crosses is plain data.
import type {
  ConsoleApi, ContainerInfo, ContainersApi, FsApi, ImageInfo, ImagesApi, KernelApi, KernelStatus, ProcessEvent, ProcessEventSink,
  RunOptions, RunResult,
} from './types.js';
import { ConsoleService } from './console.js';
import { KERNEL_VERSION, type Kernel } from '../kernel/kernel.js';
import { mkdirp } from '../machine/machine.js';
import { bootSandbox, type MachineStorage, type Sandbox } from '../machine/sandbox.js';
import type { ContainerRecord } from '../oci/runtime.js';
import type { ImageSummary } from '../oci/image_store.js';
import type { Task } from '../kernel/task.js';
import { ExecError, ExitStatusFor } from '../kernel/exec_error.js';
import { BufferSink, BufferSource, StreamSink } from '../kernel/stdio.js';
import { Pipe, type PipeWriteEnd } from '../kernel/pipe.js';
import { Signal, signalName, signalNumber } from '../kernel/signals.js';
import type { FileDescription } from '../vfs/file_description.js';
import { Errno, SysError, errnoName } from '../errors/errno.js';
import { FileType } from '../vfs/file_type.js';
import type { Platform } from '../platform/platform.js';
import { WasmPlatform } from '../platform/wasm/wasm_platform.js';
import { BrowserWorkerHost } from '../platform/wasm/host.browser.js';
import type { Inode } from '../vfs/inode.js';
import { readWholeFile } from '../vfs/read_all.js';
import { writeWholeFile } from '../vfs/open_file.js';
import { extractArchive } from './extract.js';
import { Shell } from '../shell/shell.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function describe(e: unknown): string {
  if (e instanceof SysError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Resolves an absolute sandbox path in the root namespace. */
function lookup(k: Kernel, path: string): Inode {
  if (!path.startsWith('/')) throw new SysError(Errno.INVAL, `path must be absolute: ${path}`);
  return k.vfs.lookupPath(path);
}

/** The environment of the console's login shell. */
const LOGIN_ENV = ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/root', 'USER=root', 'TERM=xterm-256color', 'LANG=C.UTF-8'];

function imageInfo(s: ImageSummary): ImageInfo {
  const i: ImageInfo = { id: s.id, refs: s.refs, size: s.size, layers: s.layers };
  if (s.created !== undefined) i.created = s.created;
  if (s.architecture !== undefined) i.architecture = s.architecture;
  if (s.os !== undefined) i.os = s.os;
  return i;
}

export class KernelService implements KernelApi {
  readonly fs: FsApi;
  readonly console: ConsoleApi;
  readonly images: ImagesApi;
  readonly containers: ContainersApi;
  readonly kernel: Kernel;
  /** Processes started by spawn, until they exit. */
  private readonly spawned = new Map<number, Spawned>();

  constructor(readonly sandbox: Sandbox) {
    const k = (this.kernel = sandbox.kernel);
    this.console = new ConsoleService(k, () => LOGIN_ENV, { containers: sandbox.containers, images: sandbox.images });
    const rt = sandbox.containers;
    const info = (r: ContainerRecord): ContainerInfo => {
      const st = rt.state(r.id);
      const c: ContainerInfo = { ...st, name: r.name, image: r.image, command: r.args, created: r.created, memoryLimit: r.memoryLimit };
      if (r.exitCode !== undefined) c.exitCode = r.exitCode;
      return c;
    };
    this.images = {
      load: async (source, onProgress) => {
        let bytes: Uint8Array;
        if (source instanceof Uint8Array) bytes = source;
        else if (source && typeof source === 'object' && typeof (source as { url?: unknown }).url === 'string') {
          const url = (source as { url: string }).url;
          const res = await fetch(url);
          if (!res.ok) throw new Error(`images.load: ${url}: HTTP ${res.status} ${res.statusText}`);
          bytes = new Uint8Array(await res.arrayBuffer());
        } else throw new Error('images.load: give the archive as a Uint8Array or { url }');
        const progress = typeof onProgress === 'function' ? onProgress : undefined;
        return (await sandbox.images.load(bytes, progress)).map(imageInfo);
      },
      list: async () => (await sandbox.images.list()).map(imageInfo),
      remove: async (ref) => {
        const r = await sandbox.containers.removeImage(ref);
        return { untagged: r.untagged, deleted: r.deleted };
      },
      stats: () => sandbox.images.stats(),
    };
    this.containers = {
      list: async (all) => rt.list(all === true).map(info),
      state: async (id) => rt.state(id),
      kill: async (id, signal) => rt.kill(id, signal),
      delete: async (id, force) => rt.delete(id, force === true),
    };
    this.fs = {
      writeFile: async (path, data) => {
        const bytes = typeof data === 'string' ? encoder.encode(data) : data;
        try {
          if (!path.startsWith('/')) throw new SysError(Errno.INVAL, `path must be absolute: ${path}`);
          writeWholeFile(k.vfs, [k.vfs.root], path, k.vfs.rootScope, bytes);
        } catch (e) {
          throw new Error(`writeFile ${path}: ${describe(e)}`);
        }
      },
      readFile: async (path) => {
        try {
          return readWholeFile(lookup(k, path));
        } catch (e) {
          throw new Error(`readFile ${path}: ${describe(e)}`);
        }
      },
      mkdir: async (path) => {
        try {
          mkdirp(k, path);
        } catch (e) {
          throw new Error(`mkdir ${path}: ${describe(e)}`);
        }
      },
      extract: async (dir, archive) => {
        if (!(archive instanceof Uint8Array)) throw new Error('extract: archive must be a Uint8Array');
        try {
          return await extractArchive(k, dir, archive);
        } catch (e) {
          throw new Error(`extract into ${dir}: ${describe(e)}`);
        }
      },
      readdir: async (path) => {
        try {
          const dir = lookup(k, path);
          const names = dir.readdir().map((d) => d.name);
          for (const m of k.vfs.mountNamesIn(dir)) if (!names.includes(m)) names.push(m);
          return names.sort();
        } catch (e) {
          throw new Error(`readdir ${path}: ${describe(e)}`);
        }
      },
    };
  }

  async version(): Promise<string> {
    return KERNEL_VERSION;
  }

  async status(): Promise<KernelStatus> {
    const live = [...this.kernel.tasks.values()].filter((t) => t.alive);
    let storage = 0;
    for (const m of this.kernel.vfs.mounts()) storage += m.fs.usage?.().used ?? 0;
    const st = this.sandbox.storage;
    const out: KernelStatus = {
      version: KERNEL_VERSION,
      tasks: live.length,
      memoryBytes: live.reduce((n, t) => n + t.memoryBytes(), 0),
      storageBytes: storage,
      machine: st.mode,
    };
    if (st.note) out.machineNote = st.note;
    const est = await st.estimate?.().catch(() => undefined);
    if (est?.usage !== undefined) out.originUsageBytes = est.usage;
    if (est?.quota !== undefined) out.originQuotaBytes = est.quota;
    if (est?.persisted !== undefined) out.persisted = est.persisted;
    return out;
  }

  /** Stores everything written so far (the page calls it when hidden or closed). */
  async flush(): Promise<void> {
    await this.sandbox.storage.flush?.();
  }

  readonly debug = {
    injectQuotaFailures: async (n: number): Promise<void> => {
      const st = this.sandbox.storage as { injectQuotaFailures?(n: number): void };
      if (!st.injectQuotaFailures) throw new Error('debug.injectQuotaFailures: this machine is not stored (it lives in memory)');
      if (!Number.isInteger(n) || n < 0) throw new Error('debug.injectQuotaFailures: n must be a non-negative integer');
      st.injectQuotaFailures(n);
    },
  };

  async run(opts: RunOptions): Promise<RunResult> {
    checkRunOptions(opts, 'run');
    const out = new BufferSink();
    const err = new BufferSink();
    let task: Task;
    try {
      task = await this.start(opts, [stdinFor(opts), out, err]);
    } catch (e) {
      if (!(e instanceof StartFailure)) throw e;
      return { exitCode: e.status, stdout: '', stderr: `wasmvisor: ${e.label}: ${e.message}\n`, reason: e.reason };
    }
    const status = await task.exited;
    const stderr = decoder.decode(err.contents());
    const result: RunResult = { exitCode: status.code, stdout: decoder.decode(out.contents()), stderr };
    if (status.reason) {
      result.stderr += `wasmvisor: ${labelOf(opts)}: ${status.reason}\n`;
      result.reason = status.reason;
    }
    return result;
  }

  async spawn(opts: RunOptions, onEvent: ProcessEventSink): Promise<number> {
    checkRunOptions(opts, 'spawn');
    if (typeof onEvent !== 'function') throw new Error('spawn: onEvent must be a function');
    let pid = 0;
    const send = (event: ProcessEvent): void | Promise<void> => {
      try {
        return onEvent(event);
      } catch {
        return undefined; // a consumer that throws does not take the kernel down
      }
    };
    const out = new StreamSink((data) => send({ type: 'stdout', pid, data }));
    const err = new StreamSink((data) => send({ type: 'stderr', pid, data }));
    const pipe = opts.stdin === undefined ? new Pipe() : null;
    let task: Task;
    try {
      task = await this.start(opts, [pipe ? pipe.readEnd : stdinFor(opts), out, err]);
    } catch (e) {
      pipe?.readEnd.release(); // on success the task's fd table owns the read end
      pipe?.writeEnd.release();
      throw new Error(`spawn: ${e instanceof StartFailure ? `${e.label}: ${e.message}` : describe(e)}`);
    }
    pid = task.pid;
    this.spawned.set(pid, { task, stdin: pipe?.writeEnd ?? null });
    void task.exited.then((status) => {
      out.flush();
      err.flush();
      this.spawned.get(pid)?.stdin?.release();
      this.spawned.delete(pid);
      const exit: ProcessEvent = { type: 'exit', pid, exitCode: status.code };
      if (status.reason) exit.reason = status.reason;
      void send(exit);
    });
    return pid;
  }

  async stdin(pid: number, data: Uint8Array | string | null): Promise<void> {
    const p = this.spawnedProcess(pid, 'stdin');
    if (!p.stdin) throw new Error(`stdin: process ${pid} was given its whole standard input when it was spawned`);
    if (data === null) {
      p.stdin.release();
      p.stdin = null;
      return;
    }
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new Error('stdin: data must be a string, a Uint8Array or null (end of file)');
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    if (bytes.length === 0) return;
    try {
      await p.stdin.write([bytes]);
    } catch (e) {
      const why = e instanceof SysError && e.errno === Errno.PIPE ? 'it no longer reads its standard input' : describe(e);
      throw new Error(`stdin: process ${pid}: ${why}`);
    }
  }

  async kill(pid: number, signal?: string | number): Promise<void> {
    const p = this.spawnedProcess(pid, 'kill');
    const sig = signal === undefined ? Signal.TERM : signalNumber(signal);
    if (sig === undefined) throw new Error(`kill: invalid signal ${JSON.stringify(signal)}`);
    p.task.handleSignal(sig, `killed by ${signalName(sig)}`);
  }

  /** Kills every process and stops the platform's workers (the machine is unusable afterwards). */
  dispose(): void {
    for (const p of this.spawned.values()) p.stdin?.release();
    this.spawned.clear();
    this.kernel.shutdown();
  }

  private spawnedProcess(pid: number, verb: string): Spawned {
    if (!Number.isInteger(pid)) throw new Error(`${verb}: pid must be an integer`);
    const p = this.spawned.get(pid);
    if (!p) throw new Error(`${verb}: no running process ${pid} was started by spawn`);
    return p;
  }

  /**
   * Starts what `opts` asks for (a program of the machine, or an image in a fresh container that is
   * removed when it exits) on the given standard streams, with its timeout armed. Throws a
   * StartFailure (status and message) when it cannot start.
   */
  private async start(opts: RunOptions, stdio: [FileDescription, FileDescription, FileDescription]): Promise<Task> {
    const task = opts.image !== undefined ? await this.startImage(opts, stdio) : await this.startProgram(opts, stdio);
    if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
      const timer = setTimeout(
        () => this.kernel.kill(task.pid, Signal.KILL, `killed by SIGKILL: timeout of ${opts.timeoutSeconds} s reached`),
        opts.timeoutSeconds * 1000,
      );
      task.whenExited(() => clearTimeout(timer));
    }
    return task;
  }

  private async startProgram(opts: RunOptions, stdio: [FileDescription, FileDescription, FileDescription]): Promise<Task> {
    const k = this.kernel;
    const argv = opts.argv!;
    const prog = argv[0]!;
    if (prog === 'sh' || prog === '/bin/sh') {
      // The machine's shell is kernel code (shell/), run as a task: `sh -c LINE` or `sh FILE`.
      try {
        return k.spawnKernelTask(
          { argv, env: envList(opts), cwd: opts.cwd ?? '/', stdio, preopens: [] },
          (t) => new Shell(k, t, { containers: { containers: this.sandbox.containers, images: this.sandbox.images } }).main(argv),
        );
      } catch (e) {
        throw new StartFailure(125, prog, e instanceof SysError ? `${errnoName(e.errno)}: ${e.message}` : describe(e));
      }
    }
    let bytes: Uint8Array;
    try {
      bytes = readWholeFile(lookup(k, prog));
    } catch (e) {
      throw new StartFailure(ExitStatusFor.notFound, prog, describe(e), 'program not found');
    }
    try {
      const program = await k.loadProgram(bytes);
      return k.spawn({
        program, argv, env: envList(opts), cwd: opts.cwd ?? '/', stdio,
        preopens: (opts.dirs ?? ['/']).map((d) => ({ path: d, name: d })), memoryLimitBytes: opts.memoryLimit,
      });
    } catch (e) {
      if (e instanceof ExecError) throw new StartFailure(e.status, prog, e.message);
      const msg = e instanceof SysError ? `${errnoName(e.errno)}: ${e.message}` : describe(e);
      throw new StartFailure(125, prog, msg);
    }
  }

  private async startImage(opts: RunOptions, stdio: [FileDescription, FileDescription, FileDescription]): Promise<Task> {
    const rt = this.sandbox.containers;
    const image = opts.image!;
    try {
      const r = await rt.create({ image, cmd: opts.argv, env: envList(opts), cwd: opts.cwd, memoryLimit: opts.memoryLimit, autoRemove: true });
      try {
        return await rt.start(r.id, { stdin: stdio[0], stdout: stdio[1], stderr: stdio[2], log: false });
      } catch (e) {
        rt.delete(r.id, true);
        throw e;
      }
    } catch (e) {
      throw new StartFailure(e instanceof ExecError ? e.status : 125, image, describe(e));
    }
  }
}

/** Why run/spawn could not start a program: its exit status, what it was, and the message. */
class StartFailure extends Error {
  constructor(readonly status: number, readonly label: string, message: string, readonly reason = message) {
    super(message);
  }
}

interface Spawned {
  task: Task;
  /** The write end of its stdin pipe, until closed (null when stdin was given up front). */
  stdin: PipeWriteEnd | null;
}

/** Checks run/spawn options: `argv` (strings, at least argv[0]) or an `image`, and the rest. */
function checkRunOptions(opts: RunOptions, verb: string): void {
  if (!opts || typeof opts !== 'object') throw new Error(`${verb}: options must be an object`);
  if (opts.image !== undefined) {
    if (typeof opts.image !== 'string' || opts.image === '') throw new Error(`${verb}: image must be a non-empty string`);
    if (opts.argv !== undefined && (!Array.isArray(opts.argv) || opts.argv.some((a) => typeof a !== 'string'))) {
      throw new Error(`${verb}: argv must be an array of strings`);
    }
    if (opts.dirs !== undefined) throw new Error(`${verb}: dirs cannot be given with image (a container sees its own root)`);
  } else {
    if (!Array.isArray(opts.argv) || opts.argv.length === 0 || opts.argv.some((a) => typeof a !== 'string')) {
      throw new Error(`${verb}: argv must be a non-empty array of strings`);
    }
    if (opts.dirs !== undefined && (!Array.isArray(opts.dirs) || opts.dirs.some((d) => typeof d !== 'string' || !d.startsWith('/')))) {
      throw new Error(`${verb}: dirs must be an array of absolute sandbox paths`);
    }
  }
  if (opts.env !== undefined && (typeof opts.env !== 'object' || opts.env === null || Object.values(opts.env).some((v) => typeof v !== 'string'))) {
    throw new Error(`${verb}: env must map names to strings`);
  }
  if (opts.stdin !== undefined && typeof opts.stdin !== 'string' && !(opts.stdin instanceof Uint8Array)) {
    throw new Error(`${verb}: stdin must be a string or a Uint8Array`);
  }
  if (opts.timeoutSeconds !== undefined && (typeof opts.timeoutSeconds !== 'number' || !(opts.timeoutSeconds >= 0))) {
    throw new Error(`${verb}: timeoutSeconds must be a non-negative number`);
  }
}

function envList(opts: RunOptions): string[] {
  return Object.entries(opts.env ?? {}).map(([key, v]) => `${key}=${v}`);
}

function stdinFor(opts: RunOptions): BufferSource {
  return new BufferSource(typeof opts.stdin === 'string' ? encoder.encode(opts.stdin) : opts.stdin ?? new Uint8Array(0));
}

/** What run's messages name: the program (argv[0]) or the image. */
function labelOf(opts: RunOptions): string {
  return opts.image ?? opts.argv![0]!;
}

/** The programs of the base image, by name (mounted at /bin). */
export type BaseImage = Map<string, Uint8Array>;

export interface BootOptions {
  platform?: Platform;
  baseImage?: () => Promise<BaseImage>;
  /** Where the machine keeps files and images (default: in memory). */
  storage?: MachineStorage;
  /** Archives imported on first boot when no image of that ref is stored. */
  defaultImages?: { ref: string; archive: () => Promise<Uint8Array> }[];
}

/** Boots a kernel with the standard machine layout and returns its api. */
export async function bootKernel(opts: BootOptions = {}): Promise<KernelService> {
  const platform = opts.platform ?? new WasmPlatform(new BrowserWorkerHost());
  const sandbox = await bootSandbox({
    platform, storage: opts.storage, baseImage: opts.baseImage ? await opts.baseImage() : undefined, defaultImages: opts.defaultImages,
  });
  return new KernelService(sandbox);
}
