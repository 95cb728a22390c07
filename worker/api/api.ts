// The kernel api: the verbs the main thread (and embedders, through it) may call. Runs a
// program to completion with its output collected, and moves files in and out of the
// sandbox's file system. Everything that crosses is plain data.
import type {
  ConsoleApi, ContainerInfo, ContainersApi, FsApi, ImageInfo, ImagesApi, KernelApi, KernelStatus, RunOptions, RunResult,
} from './types.js';
import { ConsoleService } from './console.js';
import { KERNEL_VERSION, type Kernel } from '../kernel/kernel.js';
import { mkdirp } from '../machine/machine.js';
import { bootSandbox, type MachineStorage, type Sandbox } from '../machine/sandbox.js';
import type { ContainerRecord } from '../oci/runtime.js';
import type { ImageSummary } from '../oci/image_store.js';
import type { Task } from '../kernel/task.js';
import { ExecError } from '../kernel/exec_error.js';
import { BufferSink, BufferSource } from '../kernel/stdio.js';
import { Errno, SysError, errnoName } from '../errors/errno.js';
import { FileType } from '../vfs/file_type.js';
import type { Platform } from '../platform/platform.js';
import { WasmPlatform } from '../platform/wasm/wasm_platform.js';
import { BrowserWorkerHost } from '../platform/wasm/host.browser.js';
import type { Inode } from '../vfs/inode.js';
import { readWholeFile } from '../vfs/read_all.js';
import { writeWholeFile } from '../vfs/open_file.js';

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
    const k = this.kernel;
    if (!opts || typeof opts !== 'object') throw new Error('run: options must be an object');
    if (opts.image !== undefined) return this.runImage(opts);
    if (!Array.isArray(opts.argv) || opts.argv.length === 0 || opts.argv.some((a) => typeof a !== 'string')) {
      throw new Error('run: argv must be a non-empty array of strings');
    }
    if (opts.dirs !== undefined && (!Array.isArray(opts.dirs) || opts.dirs.some((d) => typeof d !== 'string' || !d.startsWith('/')))) {
      throw new Error('run: dirs must be an array of absolute sandbox paths');
    }
    const argv = opts.argv;
    const prog = argv[0]!;
    let bytes: Uint8Array;
    try {
      bytes = readWholeFile(lookup(k, prog));
    } catch (e) {
      return { exitCode: 127, stdout: '', stderr: `wasmvisor: ${prog}: ${describe(e)}\n`, reason: 'program not found' };
    }
    const stdinBytes = typeof opts.stdin === 'string' ? encoder.encode(opts.stdin) : opts.stdin ?? new Uint8Array(0);
    const out = new BufferSink();
    const err = new BufferSink();
    const env = Object.entries(opts.env ?? {}).map(([key, v]) => `${key}=${v}`);
    try {
      const program = await k.loadProgram(bytes);
      const task = k.spawn({
        program, argv, env, cwd: opts.cwd ?? '/', stdio: [new BufferSource(stdinBytes), out, err],
        preopens: (opts.dirs ?? ['/']).map((d) => ({ path: d, name: d })), memoryLimitBytes: opts.memoryLimit,
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
        timer = setTimeout(() => k.kill(task.pid, 9, `killed by SIGKILL: timeout of ${opts.timeoutSeconds} s reached`), opts.timeoutSeconds * 1000);
      }
      const status = await task.exited;
      if (timer !== undefined) clearTimeout(timer);
      let stderr = decoder.decode(err.contents());
      if (status.reason) stderr += `wasmvisor: ${prog}: ${status.reason}\n`;
      return { exitCode: status.code, stdout: decoder.decode(out.contents()), stderr, reason: status.reason };
    } catch (e) {
      if (e instanceof ExecError) return { exitCode: e.status, stdout: '', stderr: `wasmvisor: ${prog}: ${e.message}\n`, reason: e.message };
      const msg = e instanceof SysError ? `${errnoName(e.errno)}: ${e.message}` : describe(e);
      return { exitCode: 125, stdout: '', stderr: `wasmvisor: ${prog}: ${msg}\n`, reason: msg };
    }
  }

  /** run({ image }): a fresh container of the image, removed when it exits; output collected. */
  private async runImage(opts: RunOptions): Promise<RunResult> {
    if (typeof opts.image !== 'string' || opts.image === '') throw new Error('run: image must be a non-empty string');
    if (opts.argv !== undefined && (!Array.isArray(opts.argv) || opts.argv.some((a) => typeof a !== 'string'))) {
      throw new Error('run: argv must be an array of strings');
    }
    if (opts.dirs !== undefined) throw new Error('run: dirs cannot be given with image (a container sees its own root)');
    const rt = this.sandbox.containers;
    const env = Object.entries(opts.env ?? {}).map(([key, v]) => `${key}=${v}`);
    const stdinBytes = typeof opts.stdin === 'string' ? encoder.encode(opts.stdin) : opts.stdin ?? new Uint8Array(0);
    const out = new BufferSink();
    const err = new BufferSink();
    let task: Task;
    try {
      const r = await rt.create({ image: opts.image, cmd: opts.argv, env, cwd: opts.cwd, memoryLimit: opts.memoryLimit, autoRemove: true });
      try {
        task = await rt.start(r.id, { stdin: new BufferSource(stdinBytes), stdout: out, stderr: err, log: false });
      } catch (e) {
        rt.delete(r.id, true);
        throw e;
      }
    } catch (e) {
      const msg = describe(e);
      const status = e instanceof ExecError ? e.status : 125;
      return { exitCode: status, stdout: '', stderr: `wasmvisor: ${opts.image}: ${msg}\n`, reason: msg };
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
      timer = setTimeout(() => this.kernel.kill(task.pid, 9, `killed by SIGKILL: timeout of ${opts.timeoutSeconds} s reached`), opts.timeoutSeconds * 1000);
    }
    const status = await task.exited;
    if (timer !== undefined) clearTimeout(timer);
    let stderr = decoder.decode(err.contents());
    if (status.reason) stderr += `wasmvisor: ${opts.image}: ${status.reason}\n`;
    return { exitCode: status.code, stdout: decoder.decode(out.contents()), stderr, reason: status.reason };
  }
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
