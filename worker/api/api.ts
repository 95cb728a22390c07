// The kernel api: the verbs the main thread (and embedders, through it) may call. Runs a
// program to completion with its output collected, and moves files in and out of the
// sandbox's file system. Everything that crosses is plain data.
import type { ConsoleApi, FsApi, KernelApi, KernelStatus, RunOptions, RunResult } from './types.js';
import { ConsoleService } from './console.js';
import { KERNEL_VERSION, type Kernel } from '../kernel/kernel.js';
import { bootMachine, mkdirp } from '../machine/machine.js';
import { ExecError } from '../kernel/exec_error.js';
import { BufferSink, BufferSource } from '../kernel/stdio.js';
import { Errno, SysError, errnoName } from '../errors/errno.js';
import { FileType } from '../vfs/file_type.js';
import type { Platform } from '../platform/platform.js';
import { WasmPlatform } from '../platform/wasm/wasm_platform.js';
import { BrowserWorkerHost } from '../platform/wasm/host.browser.js';
import type { Inode } from '../vfs/inode.js';
import { readWholeFile } from '../vfs/read_all.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function describe(e: unknown): string {
  if (e instanceof SysError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Resolves an absolute sandbox path in the root namespace. */
function lookup(k: Kernel, path: string): Inode {
  if (!path.startsWith('/')) throw new SysError(Errno.INVAL, `path must be absolute: ${path}`);
  const chain = k.vfs.resolve([k.vfs.root], path, k.vfs.rootScope);
  return chain[chain.length - 1]!;
}

/** The environment of the console's login shell. */
const LOGIN_ENV = ['PATH=/bin', 'HOME=/root', 'USER=root', 'TERM=xterm-256color', 'LANG=C.UTF-8'];

export class KernelService implements KernelApi {
  readonly fs: FsApi;
  readonly console: ConsoleApi;

  constructor(readonly kernel: Kernel) {
    const k = kernel;
    this.console = new ConsoleService(kernel, () => LOGIN_ENV);
    this.fs = {
      writeFile: async (path, data) => {
        const bytes = typeof data === 'string' ? encoder.encode(data) : data;
        try {
          const { parent, name } = k.vfs.parentOf([k.vfs.root], path, k.vfs.rootScope);
          const dir = parent[parent.length - 1]!;
          let inode: Inode;
          try {
            inode = k.vfs.lookupChild(dir, name);
          } catch (e) {
            if (!(e instanceof SysError) || e.errno !== Errno.NOENT) throw e;
            inode = dir.createFile(name);
          }
          if (inode.type !== FileType.REGULAR_FILE) throw new SysError(Errno.ISDIR, `${path} is not a regular file`);
          const desc = inode.open({ read: false, write: true });
          try {
            desc.setSize(0n);
            const n = desc.write([bytes]);
            if (n !== bytes.length) throw new SysError(Errno.IO, 'short write');
          } finally {
            desc.release();
          }
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
    return {
      version: KERNEL_VERSION,
      tasks: live.length,
      memoryBytes: live.reduce((n, t) => n + t.memoryBytes(), 0),
      storageBytes: storage,
    };
  }

  async run(opts: RunOptions): Promise<RunResult> {
    const k = this.kernel;
    if (!opts || !Array.isArray(opts.argv) || opts.argv.length === 0 || opts.argv.some((a) => typeof a !== 'string')) {
      throw new Error('run: argv must be a non-empty array of strings');
    }
    if (opts.image !== undefined) throw new Error('run: images are not supported yet (no OCI store in this kernel)');
    if (opts.dirs !== undefined && (!Array.isArray(opts.dirs) || opts.dirs.some((d) => typeof d !== 'string' || !d.startsWith('/')))) {
      throw new Error('run: dirs must be an array of absolute sandbox paths');
    }
    const prog = opts.argv[0]!;
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
        program, argv: opts.argv, env, cwd: opts.cwd ?? '/', stdio: [new BufferSource(stdinBytes), out, err],
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
}

/** The programs of the base image, by name (mounted at /bin). */
export type BaseImage = Map<string, Uint8Array>;

/** Boots a kernel with the standard machine layout and returns its api. */
export async function bootKernel(opts: { platform?: Platform; baseImage?: () => Promise<BaseImage> } = {}): Promise<KernelService> {
  const platform = opts.platform ?? new WasmPlatform(new BrowserWorkerHost());
  const kernel = bootMachine({ platform });
  const service = new KernelService(kernel);
  await service.fs.mkdir('/root');
  await service.fs.mkdir('/bin');
  if (opts.baseImage) {
    for (const [name, bytes] of await opts.baseImage()) await service.fs.writeFile(`/bin/${name}`, bytes);
  }
  return service;
}
