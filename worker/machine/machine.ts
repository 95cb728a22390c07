// Machine: assembles a sandbox from the kernel's parts (the layer above the kernel, so the kernel
// imports no file system and no ABI): a Kernel with WASI's syscall tables registered, a root file
// system (tmpfs unless given), /dev (devfs), /proc (procfs over this kernel's tasks) and /tmp.
// Also the ProcSource that lets procfs read the task table without reaching into it.
import { Kernel, type KernelOptions } from '../kernel/kernel.js';
import type { Task } from '../kernel/task.js';
import { Devfs } from '../fsimpl/devfs/devfs.js';
import { Procfs, type ProcSource, type ProcTaskInfo } from '../fsimpl/procfs/procfs.js';
import { Tmpfs } from '../fsimpl/tmpfs/tmpfs.js';
import { WASI_PREVIEW1, WASI_UNSTABLE } from '../syscalls/wasi/dispatch.js';
import { mkdirAll } from '../vfs/mkdir_all.js';

function taskInfo(t: Task): ProcTaskInfo {
  const bytes = t.memoryBytes();
  return {
    pid: t.pid, ppid: t.ppid, argv: t.argv, state: t.state, memoryBytes: bytes, peakMemoryBytes: bytes,
    memoryLimitBytes: t.memoryLimitBytes, fds: t.fds.fds(), cwd: t.cwd.path,
  };
}

export function procSource(k: Kernel, totalMemoryBytes: number): ProcSource {
  const used = () => [...k.tasks.values()].reduce((n, t) => n + t.memoryBytes(), 0);
  return {
    currentPid: () => k.current?.pid ?? 0,
    tasks: () => [...k.tasks.values()].filter((t) => t.alive).map(taskInfo),
    task: (pid) => {
      const t = k.tasks.get(pid);
      return t && t.alive ? taskInfo(t) : undefined;
    },
    mounts: () => k.vfs.mounts().map((m) => ({ source: m.source, target: m.target, type: m.fs.type, options: m.options })),
    meminfo: () => {
      const free = Math.max(0, totalMemoryBytes - used());
      return { totalBytes: totalMemoryBytes, freeBytes: free, availableBytes: free };
    },
    uptimeSeconds: () => (performance.now() - k.bootTime) / 1000,
  };
}

/** Creates dir (and parents) in the root namespace if missing. */
export function mkdirp(k: Kernel, path: string): void {
  mkdirAll(k.vfs, k.vfs.root, path);
}

export interface MachineOptions extends Omit<KernelOptions, 'root' | 'syscallTables'> {
  /** The root file system (default: an empty tmpfs). */
  root?: KernelOptions['root'];
  /** Memory /proc/meminfo reports as total (default 4 GiB). */
  totalMemoryBytes?: number;
  /**
   * /tmp: 'dir' makes a directory on the root file system (the default), 'tmpfs' mounts a tmpfs
   * there (a root that persists keeps /tmp in memory), 'none' leaves it (a host directory root).
   */
  tmp?: 'dir' | 'tmpfs' | 'none';
}

/** Boots a kernel with /dev and /proc mounted. */
export function bootMachine(opts: MachineOptions): Kernel {
  const k = new Kernel({ ...opts, root: opts.root ?? new Tmpfs(), syscallTables: [WASI_PREVIEW1, WASI_UNSTABLE] });
  const tmp = opts.tmp ?? 'dir';
  if (tmp === 'dir') mkdirp(k, '/tmp');
  if (tmp === 'tmpfs') k.vfs.mount('/tmp', new Tmpfs(), 'tmpfs');
  k.vfs.mount('/dev', new Devfs(), 'devtmpfs');
  k.vfs.mount('/proc', new Procfs(procSource(k, opts.totalMemoryBytes ?? 4 * 1024 ** 3)), 'proc');
  return k;
}
